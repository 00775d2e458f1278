"""The release settings form: what a version takes when it is published."""

from __future__ import annotations

from django import forms

from releases.models import ReleaseSettings


class ReleaseSettingsForm(forms.ModelForm):
    class Meta:
        model = ReleaseSettings
        fields = ["install_function"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = self.instance.topping.functions.values_list("name", flat=True)
        self.fields["install_function"] = forms.ChoiceField(
            label="On installation",
            required=False,
            choices=[("", "-None-")] + [(n, n) for n in names],
            help_text="Runs once per published version when a host installs it.",
        )
