from django.urls import path

from indicators import coordinator_views, views

urlpatterns = [
    path("returns/", views.home, name="home"),
    path("returns/<int:return_id>/", views.return_page, name="return"),
    path("returns/<int:return_id>/history/", views.history, name="return_history"),
    path("returns/<int:return_id>/review/", coordinator_views.review, name="review"),
    path("periods/", coordinator_views.periods, name="periods"),
    path("periods/<int:period_id>/state/", coordinator_views.period_state, name="period_state"),
    path("review/", coordinator_views.review_queue, name="review_queue_current"),
    path("periods/<int:period_id>/review/", coordinator_views.review_queue, name="review_queue"),
]
