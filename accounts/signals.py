"""Access that ends must end at once: a revoked grant or a deactivated account signs the
user out everywhere and deletes their API tokens, however the change was made."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from ctframework import roles

from .models import Grant
from .services import user_end_sessions


@receiver(post_delete, sender=Grant)
def end_sessions_when_a_grant_goes(sender, instance: Grant, **kwargs):
    user_end_sessions(user_id=instance.user_id)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_when_deactivated(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance.is_active:
        return
    epoch = (
        sender.objects.filter(pk=instance.pk, is_active=True)
        .values_list("session_epoch", flat=True)
        .first()
    )
    if epoch is not None:  # it was active until this save
        user_end_sessions(user_id=instance.pk)
        # The same value as the database now holds, whether or not this save writes it.
        instance.session_epoch = epoch + 1


@receiver(post_save, sender=Grant)
def administrators_are_staff(sender, instance: Grant, created: bool, raw=False, **kwargs):
    """Django's admin log-in asks for is_staff; our AdminSite asks the role too."""
    if created and not raw and instance.role.name == roles.ADMINISTRATOR:
        type(instance.user).objects.filter(pk=instance.user_id, is_staff=False).update(
            is_staff=True
        )
