from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from console.models import Membership, Topping


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` next to the form's fields (others at the top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class ToppingForm(forms.ModelForm):
    class Meta:
        model = Topping
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AddMemberForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.DEVELOPER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
