from django.urls import path

from reporting import views

urlpatterns = [
    path("reports/", views.report_index, name="reports"),
    path("reports/<int:period_id>/", views.report_page, name="report"),
    path("reports/<int:period_id>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/<int:period_id>/figures.<str:fmt>", views.report_figures, name="report_figures"),
    path("reports/<int:period_id>/issue/", views.report_issue, name="report_issue"),
    path("reports/issued/<int:issued_id>/", views.issued_report, name="issued_report"),
]
