from django import forms

from gongkai.notifications.models import EmailMode


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label="邮件通知方式",
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        help_text="站内“通知”页面始终保留全部通知；时限提醒邮件按各业务的规定发送。",
    )
