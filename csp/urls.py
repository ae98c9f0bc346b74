from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from csp import two_factor
from csp.views import accessibility, healthz, partnerships, privacy, session_alive, start

urlpatterns = [
    path("", start, name="start"),
    path("partnerships/", partnerships, name="partnerships"),
    path("accessibility/", accessibility, name="accessibility"),
    path("privacy/", privacy, name="privacy"),
    path("session/", session_alive, name="session_alive"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("accounts/two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("accounts/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("returns.urls")),
    path("", include("reporting.urls")),
]

handler500 = "csp.views.server_error"
