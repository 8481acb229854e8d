"""Share links (member-get-member). A link names what is shared and who shares it, signed so it
cannot be forged: `/s/<content type>.<object id>.<member id>-<signature>/`, the numbers in base
36 and the signature a 72-bit HMAC (12 characters), so a link stays short enough to paste
anywhere (`/s/q.3f.1b-Xy3kP0aQ9vZ2/`). Links of the first, longer form (`…:<full Django
signature>`) keep working. A visitor who
follows one carries it in a signed cookie for `COOKIE_MAX_AGE` (not in a session: visitors create
no session rows); if they sign up, a Referral records it and the cookie is dropped."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_str

from community import cookies
from community.models import Referral, User

COOKIE_NAME = "cocreo_referral"
COOKIE_SALT = "cocreo.referral"
COOKIE_MAX_AGE = 30 * 24 * 3600
_signer = signing.Signer(salt="cocreo.share")


SIGNATURE_LENGTH = 12  # base64 characters: 72 bits, plenty against guessing a referral


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def _signature(value: str) -> str:
    digest = salted_hmac("cocreo.share.short", value, algorithm="sha256").digest()
    return force_str(signing.b64_encode(digest))[:SIGNATURE_LENGTH]


def share_code(user: User, obj: Model) -> str:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    value = ".".join(_base36(n) for n in (content_type.pk, obj.pk, user.pk))
    return f"{value}-{_signature(value)}"


def share_path(user: User, obj: Model) -> str:
    return reverse("community:share", args=[share_code(user, obj)])


def share_url(user: User, obj: Model, request=None) -> str:
    path = share_path(user, obj)
    return request.build_absolute_uri(path) if request else f"{settings.SITE_URL}{path}"


def read_share_code(code: str) -> tuple[int, int, int] | None:
    """(content type id, object id, referrer id), or None for a bogus or tampered code."""
    if ":" not in code:  # base64url signatures never contain ":", the first form always does
        # The signature has a fixed length and may itself contain "-".
        cut = -SIGNATURE_LENGTH
        value, dash, signature = code[: cut - 1], code[cut - 1 : cut], code[cut:]
        if dash != "-" or not constant_time_compare(signature, _signature(value)):
            return None
        base = 36
    else:  # the first, longer form (its signature may contain "-")
        try:
            value = _signer.unsign(code)
        except signing.BadSignature:
            return None
        base = 10
    try:
        content_type_id, object_id, referrer_id = (int(part, base) for part in value.split("."))
    except ValueError:
        return None
    return content_type_id, object_id, referrer_id


def public_shared_object(content_type_id: int, object_id: int) -> Model | None:
    """The shared object if the public may see it: through its model's `public()` queryset
    (the publication gate), so a link to pending content leads nowhere."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        return None
    queryset = getattr(model._default_manager if model else None, "public", None)
    if queryset is None:
        return None
    return queryset().filter(pk=object_id).first()


def remember_share(request, code: str) -> Model | None:
    """The share link's target; remembers the referrer in a cookie for a later sign-up
    (unless the visitor is already signed in)."""
    parsed = read_share_code(code)
    if parsed is None:
        return None
    content_type_id, object_id, referrer_id = parsed
    obj = public_shared_object(content_type_id, object_id)
    if obj is None:
        return None
    if not request.user.is_authenticated:
        value = f"{content_type_id}.{object_id}.{referrer_id}"
        cookies.set_signed_cookie_later(
            request, COOKIE_NAME, value, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
        )
    return obj


def _remembered_share(request) -> tuple[int, int, int] | None:
    value = request.get_signed_cookie(
        COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    try:
        content_type_id, object_id, referrer_id = (int(part) for part in value.split("."))
    except (AttributeError, ValueError):
        return None
    return content_type_id, object_id, referrer_id


def record_referral(request, new_member: User) -> Referral | None:
    """Called when someone signs up: a Referral if they arrived through a member's share link.
    Self-referrals, inactive or unknown referrers, and second referrals are ignored."""
    remembered = _remembered_share(request) if request is not None else None
    if remembered is None:
        return None
    cookies.delete_cookie_later(request, COOKIE_NAME)
    content_type_id, object_id, referrer_id = remembered
    if referrer_id == new_member.pk:
        return None
    if not User.objects.filter(pk=referrer_id, is_active=True).exists():
        return None
    try:
        with transaction.atomic():
            return Referral.objects.create(
                referrer_id=referrer_id,
                new_member=new_member,
                content_type_id=content_type_id,
                object_id=object_id,
            )
    except IntegrityError:
        return None


def referral_count(user: User) -> int:
    return Referral.objects.filter(referrer=user).count()
