"""Honeypot, text challenge and per-address rate limit, each through the public form."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from gongkai.consultations.forms import CommentForm, MessageForm
from gongkai.consultations.testing import (
    make_consultation,
    make_mailbox,
    public_form_data,
    solve_challenge,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(clerk, county):
    return make_consultation(by=clerk, organisation=county, is_open=True)


def post_comment(client, consultation, **fields):
    data = public_form_data(CommentForm(consultation=consultation), **fields)
    return client.post(reverse("consultations:comment", args=[consultation.pk]), data)


def test_a_filled_honeypot_is_refused_and_nothing_is_saved(client, consultation):
    response = post_comment(client, consultation, body="正常的意见", website="http://spam.example")
    assert response.status_code == 400
    assert "提交未被接受" in response.content.decode()
    assert not consultation.comments.exists()


def test_the_honeypot_is_labelled_for_screen_readers_and_hidden_by_the_stylesheet(
    client, consultation
):
    page = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert '<div class="gk-trap"><label for="id_website">请勿填写此项</label>' in page
    assert "style=" not in page and "<script>" not in page


def test_a_wrong_answer_is_refused_with_a_new_question(client, consultation):
    form = CommentForm(consultation=consultation)
    wrong = str(int(solve_challenge(form.challenge.question)) + 1)
    response = client.post(
        reverse("consultations:comment", args=[consultation.pk]),
        public_form_data(form, body="意见", answer=wrong),
    )
    assert response.status_code == 400
    assert "验证问题回答不正确" in response.content.decode()
    assert form.challenge.token not in response.content.decode()
    assert not consultation.comments.exists()


def test_the_challenge_can_be_answered_in_chinese_numerals_and_only_once(client, consultation):
    form = CommentForm(consultation=consultation)
    from gongkai.consultations.text import chinese_number

    answer = chinese_number(int(solve_challenge(form.challenge.question)))
    url = reverse("consultations:comment", args=[consultation.pk])
    first = client.post(url, public_form_data(form, body="第一条意见", answer=answer))
    assert first.status_code == 302
    replay = client.post(url, public_form_data(form, body="重放的意见", answer=answer))
    assert replay.status_code == 400
    assert "已经使用过" in replay.content.decode()
    assert consultation.comments.count() == 1


def test_the_question_is_in_words_on_the_page(client, consultation):
    page = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "等于几？（请填写数字）" in page
    assert '<label for="id_answer">验证问题' in page


@override_settings(GONGKAI_PARTICIPATION_RATE_LIMIT=(2, 600))
def test_too_many_comments_from_one_address_are_refused_with_a_clear_message(client, consultation):
    assert post_comment(client, consultation, body="一").status_code == 302
    assert post_comment(client, consultation, body="二").status_code == 302
    third = post_comment(client, consultation, body="三")
    assert third.status_code == 429
    assert "提交过于频繁" in third.content.decode()
    assert "三" in third.content.decode()  # what they wrote is kept in the form
    assert consultation.comments.count() == 2
    # Another address is not affected.
    response = client.post(
        reverse("consultations:comment", args=[consultation.pk]),
        public_form_data(CommentForm(consultation=consultation), body="五"),
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 302


@override_settings(GONGKAI_CHALLENGE_ATTEMPT_LIMIT=(2, 600))
def test_guessing_the_answer_is_capped_per_address(client, consultation):
    url = reverse("consultations:comment", args=[consultation.pk])
    for _ in range(2):
        form = CommentForm(consultation=consultation)
        bad = str(int(solve_challenge(form.challenge.question)) + 1)
        client.post(url, public_form_data(form, body="猜", answer=bad))
    blocked = post_comment(client, consultation, body="正确回答也被暂停")
    assert blocked.status_code == 429
    assert not consultation.comments.exists()


def test_the_mailbox_form_has_the_same_protection(client, county):
    mailbox = make_mailbox(organisation=county)
    url = reverse("consultations:mailbox_write", args=[mailbox.pk])
    data = public_form_data(MessageForm(), kind="consult", subject="咨询", body="内容", website="x")
    assert client.post(url, data).status_code == 400
    assert not mailbox.messages.exists()
