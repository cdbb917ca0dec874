"""Users and the roles they hold on a part of the organisation tree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from gongkai.organisations.models import Organisation


class Role(models.TextChoices):
    CLERK = "clerk", "信息制作"
    DOCUMENT_REVIEWER = "document_reviewer", "公文审核"
    DISCLOSURE_REVIEWER = "disclosure_reviewer", "政务公开审核"
    CONCERN_OFFICER = "concern_officer", "舆情处置"
    SUPERVISOR = "supervisor", "监督评估"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


class UserQuerySet(models.QuerySet["User"]):
    def within(self, roots: Iterable[Organisation]) -> UserQuerySet:
        """People wholly inside the subtrees of ``roots``: their own unit and every active
        grant lie there, and at least one of them does. Someone who also works elsewhere is
        managed from a level that covers both (a county cannot reset a city official)."""
        roots = list(roots)
        if not roots:
            return self.none()
        if any(root.parent_id is None for root in roots):
            return self.all()  # the whole tree, including people not yet placed anywhere
        inside = models.Q()
        for root in roots:
            inside |= models.Q(path__under=root.path)
        inside_orgs = Organisation.objects.filter(inside)
        active = RoleGrant.objects.filter(revoked_at__isnull=True)
        return (
            self.filter(
                models.Q(organisation__in=inside_orgs)
                | models.Q(pk__in=active.filter(organisation__in=inside_orgs).values("user_id"))
            )
            .exclude(pk__in=active.exclude(organisation__in=inside_orgs).values("user_id"))
            .exclude(models.Q(organisation__isnull=False) & ~models.Q(organisation__in=inside_orgs))
        )

    def search(self, text: str) -> UserQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(username__icontains=text)
            | models.Q(full_name__contains=text)
            | models.Q(phone__contains=text)
            | models.Q(email__icontains=text)
        )


class AccountManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text="账户归哪个单位的管理员管理；角色另行授予。",
    )
    must_change_password = models.BooleanField(
        "须修改密码",
        default=False,
        help_text="临时密码或一次性登录链接登录后，须先设置自己的密码才能使用系统。",
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    objects = AccountManager()  # type: ignore[misc]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        # Password expiry (SecurityPolicy.password_max_age_days) counts from here.
        self.password_changed_at = timezone.now()


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def active(self) -> RoleGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class RoleGrant(models.Model):
    """A role held on an organisation and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="role_grants",
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="role_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="授权人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField("授权时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="rolegrant_active_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class SignInLink(models.Model):
    """A one-time sign-in link an administrator hands to a person (a new account, a forgotten
    password). Only the token's SHA-256 is stored, so the table gives nobody a way in; a
    link works once, before it expires, and then the person must set their own password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="sign_in_links",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("签发时间", default=timezone.now)
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "一次性登录链接"
        verbose_name_plural = "一次性登录链接"

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.used_at is None and (now or timezone.now()) < self.expires_at


class SecurityPolicy(models.Model):
    """The security administrator's password and lockout rules: one row (pk=1), read by the
    password validator (accounts.policy.PolicyPasswordValidator) and by django-axes
    (AXES_FAILURE_LIMIT / AXES_COOLOFF_TIME name the functions in accounts.policy)."""

    password_min_length = models.PositiveSmallIntegerField(
        "密码最短长度",
        default=10,
        validators=[MinValueValidator(8), MaxValueValidator(64)],
        help_text="8 至 64 个字符。",
    )
    password_min_classes = models.PositiveSmallIntegerField(
        "密码至少包含的字符种类",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="大写字母、小写字母、数字、符号四类中至少几类（1 至 4）。",
    )
    password_max_age_days = models.PositiveSmallIntegerField(
        "密码有效期（天）",
        default=0,
        validators=[MaxValueValidator(3650)],
        help_text="超过天数须修改密码；0 表示不限。",
    )
    lockout_failures = models.PositiveSmallIntegerField(
        "连续登录失败次数上限",
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(20)],
        help_text="连续输错达到此次数即锁定（3 至 20 次）。",
    )
    lockout_minutes = models.PositiveIntegerField(
        "锁定时长（分钟）",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)],
        help_text="锁定后经过此时长自动解除；安全管理员也可随时解除。",
    )
    updated_at = models.DateTimeField("修改时间", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="policy_single_row")]

    def __str__(self) -> str:
        return "安全策略"
