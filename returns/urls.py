from django.urls import include, path

from returns.views import coordinator, dashboard, officer, plan_years

in_a_partnership = [
    path("returns/<int:return_id>/", officer.return_page, name="return"),
    path("returns/<int:return_id>/history/", officer.history, name="return_history"),
    path("returns/<int:return_id>/review/", coordinator.review, name="review"),
    path("periods/", coordinator.periods, name="periods"),
    path("periods/<int:period_id>/state/", coordinator.period_state, name="period_state"),
    path("review/", coordinator.review_queue, name="review_queue_current"),
    path("periods/<int:period_id>/review/", coordinator.review_queue, name="review_queue"),
    path("dashboard/", dashboard.dashboard, name="dashboard_current"),
    path("dashboard/notifications/", dashboard.notification_preferences, name="notification_preferences"),
    path("periods/<int:period_id>/dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "periods/<int:period_id>/dashboard/indicators/",
        dashboard.dashboard_indicators,
        name="dashboard_indicators",
    ),
    path("periods/<int:period_id>/dashboard/returns/", dashboard.dashboard_returns, name="dashboard_returns"),
    path(
        "periods/<int:period_id>/agencies/<int:agency_id>/remind/",
        dashboard.send_agency_reminder,
        name="send_agency_reminder",
    ),
    path("periods/<int:period_id>/escalations/", dashboard.escalations, name="escalations"),
    path("plan-years/new/", plan_years.new_plan_year, name="new_plan_year"),
]

urlpatterns = [
    # An officer's list runs across every partnership their agencies serve.
    path("returns/", officer.home, name="home"),
    path("p/<slug:partnership>/", include(in_a_partnership)),
]
