"""URLs of the staff workspace.

`urlpatterns` (namespace `workspace`) is mounted at /<lang>/workspace/;
`account_urlpatterns` (namespace `account`) at /<lang>/account/.
"""

from django.urls import path

from relint.workspace import views

app_name = "workspace"

# /<lang>/workspace/
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]

# /<lang>/account/
account_urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
