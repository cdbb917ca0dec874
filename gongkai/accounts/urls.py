from django.contrib.auth import views as auth_views
from django.urls import path

from gongkai.accounts import views
from gongkai.accounts.forms import SignInForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/", views.verify, name="2fa_verify"),
    path("2fa/setup/", views.setup, name="2fa_setup"),
]
