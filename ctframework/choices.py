"""Choices whose labels are kept in several languages (a principle set's title, a score
scale): the option shows the label in the user's language where translated, else the
original, and says which language it is in so that screen readers and fonts follow."""

from django import forms

from ctframework.languages import Localized


class LocalizedOptionsMixin:
    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if isinstance(label, Localized):
            option["attrs"] = {**option["attrs"], "lang": label.language, "dir": label.direction}
        return option


class LocalizedSelect(LocalizedOptionsMixin, forms.Select):
    pass


class LocalizedModelChoiceField(forms.ModelChoiceField):
    """A model choice whose label_from_instance returns a Localized text."""

    widget = LocalizedSelect
