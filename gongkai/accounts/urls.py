from django.contrib.auth import views as auth_views
from django.urls import path

from gongkai.accounts.forms import SignInForm
from gongkai.accounts.views import profile, twofactor

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
    path("2fa/", twofactor.verify, name="2fa_verify"),
    path("2fa/setup/", twofactor.setup, name="2fa_setup"),
    path("profile/", profile.profile, name="profile"),
    path("password/", profile.password_change, name="password_change"),
    path("link/<str:token>/", profile.link_sign_in, name="link"),
]
