"""Helpers for data migrations that grant permissions on a fresh database, where Django has not
yet created the permission rows (it does so after all migrations have run)."""

from django.contrib.auth.management import create_permissions
from django.db import models


def ensure_permissions(apps) -> None:
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def get_permissions(apps, *names: str) -> list:
    """`names` are "app_label.codename" strings."""
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def move_content_type(apps, model: str, *, from_app: str, to_app: str) -> None:
    """A model moved apps: its ContentType row is relabelled, keeping its id, so generic
    references (moderation items, reports, revisions, log entries, permissions) keep pointing
    at the same rows. If the new label already has a row (created before the move ran), the
    references to it are folded into the old one and it is deleted."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label=from_app, model=model).first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label=to_app, model=model).first()
    if new is not None:
        for related in apps.get_models():
            if related._meta.label == "auth.Permission":
                # The old row has the same permissions.
                related._default_manager.filter(content_type=new).delete()
                continue
            for field in related._meta.concrete_fields:
                target = getattr(field, "related_model", None)
                if target is not None and target._meta.label == "contenttypes.ContentType":
                    related._default_manager.filter(**{field.name: new}).update(**{field.name: old})
        new.delete()
    old.app_label = to_app
    old.save(update_fields=["app_label"])


def english_from_original(model: str, *fields: str):
    """A RunPython step for the migration that adds `<field>_en`/`<field>_it` columns (CMS
    content translation): each row's existing text becomes its English text."""

    def forward(apps, schema_editor) -> None:
        Model = apps.get_model(model)
        for field in fields:
            Model._base_manager.filter(**{f"{field}_en__isnull": True}).update(
                **{f"{field}_en": models.F(field)}
            )

    return forward
