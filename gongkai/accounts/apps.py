from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"
    verbose_name = "账户与角色"
    # Who sees each entry: the roles the view admits (accounts.permissions.role_required).
    staff_links = [
        ("账户管理", "staff_accounts:users"),
        ("角色授权", "staff_accounts:grants"),
        ("安全策略", "staff_accounts:policy"),
        ("账户锁定", "staff_accounts:lockouts"),
        ("审计日志", "staff_accounts:audit_log", ("audit_admin",)),
        ("个人设置", "accounts:profile"),
    ]


class GongkaiAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Gongkai's site (accounts/adminsite.py)."""

    default = False

    default_site = "gongkai.accounts.adminsite.GongkaiAdminSite"
