from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"
    verbose_name = "账户与角色"
    staff_links = [("审计日志", "staff_accounts:audit_log", ("audit_admin",))]
