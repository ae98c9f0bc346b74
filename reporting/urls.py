from django.urls import include, path

from reporting.views import escalations, plan, report

in_a_partnership = [
    path("plan/", plan.current_plan, name="plan"),
    path("plan/<int:plan_year_id>/", plan.plan, name="plan_year"),
    path("reports/", report.report_index, name="reports"),
    path("reports/<int:period_id>/", report.report_page, name="report"),
    path("reports/<int:period_id>/pdf/", report.report_pdf, name="report_pdf"),
    path("reports/<int:period_id>/figures.<str:fmt>", report.report_figures, name="report_figures"),
    path("reports/<int:period_id>/issue/", report.report_issue, name="report_issue"),
    path("reports/issued/<int:issued_id>/", report.issued_report, name="issued_report"),
    path("periods/<int:period_id>/escalations/", escalations.escalations, name="escalations"),
]

urlpatterns = [path("p/<slug:partnership>/", include(in_a_partnership))]
