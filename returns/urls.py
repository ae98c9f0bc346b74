from django.urls import include, path

from returns.views import (
    approve_several,
    coordinator,
    dashboard,
    officer,
    plan_years,
    quarter,
    return_page,
    updates,
)

in_a_partnership = [
    path("returns/<int:return_id>/", return_page.return_page, name="return"),
    path("returns/<int:return_id>/history/", return_page.history, name="return_history"),
    path("returns/<int:return_id>/rate/<int:measure_id>/", return_page.rate_measure, name="rate_measure"),
    path("returns/<int:return_id>/review/", coordinator.review, name="review"),
    path("updates/<int:update_id>/", updates.update_page, name="update"),
    path("updates/<int:update_id>/history/", updates.update_history, name="update_history"),
    path("updates/<int:update_id>/review/", coordinator.review_update, name="review_update"),
    path("periods/", coordinator.periods, name="periods"),
    path("periods/<int:period_id>/state/", coordinator.period_state, name="period_state"),
    path("periods/<int:period_id>/up-to-date/", coordinator.period_up_to_date, name="period_up_to_date"),
    path("review/", coordinator.review_queue, name="review_queue_current"),
    path("periods/<int:period_id>/review/", coordinator.review_queue, name="review_queue"),
    path("periods/<int:period_id>/review/approve/", approve_several.approve_several, name="approve_several"),
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
    path("periods/<int:period_id>/agencies/<int:agency_id>/", quarter.agency_quarter, name="agency_quarter"),
    path(
        "periods/<int:period_id>/agencies/<int:agency_id>/check/", quarter.check_quarter, name="check_quarter"
    ),
    path("plan-years/new/", plan_years.new_plan_year, name="new_plan_year"),
    path("plan-years/<int:plan_year_id>/owners/", plan_years.owners, name="owners"),
]

urlpatterns = [
    # An officer's list runs across every partnership their agencies serve.
    path("returns/", officer.home, name="home"),
    path("p/<slug:partnership>/", include(in_a_partnership)),
]
