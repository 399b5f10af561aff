"""The custom user (from the first migration) and API bearer tokens."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from .choices import ROLE_PERMISSIONS, Role


class User(AbstractUser):
    """A person with one role. Agency roles belong to an agency; an enterprise account to one enterprise."""

    display_name = models.CharField("姓名", max_length=100, blank=True)
    role = models.CharField("角色", max_length=32, choices=Role.choices, blank=True)
    agency = models.ForeignKey(
        "registry.Agency", verbose_name="所属机关", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="所属企业", null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    officer = models.OneToOneField(
        "registry.Officer", verbose_name="执法人员档案", null=True, blank=True, on_delete=models.PROTECT,
        related_name="user",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_perm(self, perm, obj=None) -> bool:
        """The platform's own permissions (``ROLE_PERMISSIONS``) follow the role alone, never a superuser
        flag or a group; any other permission is Django's.
        """
        if perm in ROLE_PERMISSIONS:
            return self.is_active and self.role in ROLE_PERMISSIONS[perm]
        return super().has_perm(perm, obj)


class ApiToken(models.Model):
    """A bearer token for mobile and system clients. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginThrottle(models.Model):
    """Failed sign-ins of one account (``user:<id>``) or one client address (``address:<ip>``), shared by
    every worker (issue 20). ``locked_until`` holds the current delay; attempts before it are refused
    without being checked or counted, so a lockout never grows past its cap.
    """

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    lockouts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "登录失败计数"
        verbose_name_plural = "登录失败计数"

    def __str__(self) -> str:
        return self.key


class SecondFactor(models.Model):
    """An account's time-based one-time password (TOTP, RFC 6238). The secret is stored encrypted
    (``second_factor.secret_seal``) and shown only while enrolling; ``last_step`` refuses a code used once.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="second_factor")
    kind = models.CharField(max_length=16, default="totp")
    secret_sealed = models.CharField(max_length=255)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "动态口令"
        verbose_name_plural = "动态口令"

    def __str__(self) -> str:
        return f"{self.kind} ({self.user})"


class RecoveryCode(models.Model):
    """A one-time recovery code of an account's second factor; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "恢复码"
        verbose_name_plural = "恢复码"
        indexes = [models.Index(fields=["user", "code_hash"], name="recovery_user_hash")]

    def __str__(self) -> str:
        return f"recovery code of {self.user}"
