from django.urls import path

from themes import views

urlpatterns = [
    path("plan/", views.current_plan, name="plan"),
    path("plan/<int:plan_year_id>/", views.plan, name="plan_year"),
]
