from django.urls import path

from gongkai.accounts.views import audit, people, security

app_name = "staff_accounts"

urlpatterns = [
    # The system administrator (and the security administrator, for administrator accounts).
    path("users/", people.users, name="users"),
    path("users/new/", people.user_create, name="user_create"),
    path("users/<int:pk>/", people.user_detail, name="user"),
    path("users/<int:pk>/edit/", people.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", people.user_active, name="user_active"),
    path("users/<int:pk>/credentials/", people.user_credentials, name="user_credentials"),
    path("users/<int:pk>/grants/", people.grant_create, name="grant_create"),
    path("grants/", people.grants, name="grants"),
    path("grants/<int:pk>/revoke/", people.grant_revoke, name="grant_revoke"),
    # The security administrator.
    path("policy/", security.security_policy, name="policy"),
    path("lockouts/", security.lockouts, name="lockouts"),
    path("users/<int:pk>/unlock/", security.unlock, name="unlock"),
    path("users/<int:pk>/2fa-reset/", security.reset_2fa, name="reset_2fa"),
    # The audit administrator.
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/export/", audit.audit_export, name="audit_export"),
    path("audit/verify/", audit.audit_verify, name="audit_verify"),
]
