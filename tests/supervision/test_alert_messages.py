"""Each alert is told to its recipients once, in-app, through the outbox."""

from datetime import timedelta

from onestop.cases.models import Task
from onestop.notify.actions import deliver_due
from onestop.notify.models import Message
from onestop.notify.queries import inbox_for_user
from onestop.supervision.models import Alert
from onestop.supervision.sweep import sweep_supervision

HOUR = timedelta(hours=1)


def test_a_red_task_alert_reaches_its_people_once(accepted_case, head, supervisor, reviewer):
    case = accepted_case()
    review = Task.objects.get(case=case, kind="review")
    late = review.due_at + HOUR
    sweep_supervision(late)
    sweep_supervision(late + HOUR)  # the same crossing: no second message
    alert = Alert.objects.get(task=review, kind="red")
    red = Message.objects.filter(template="alert_red", context__alert=alert.pk)
    assert sorted(m.recipient.username for m in red) == sorted(
        {reviewer.username, head.username, supervisor.username}
    )
    assert deliver_due(late + 2 * HOUR) >= red.count()
    message = inbox_for_user(head).get(template="alert_red", context__alert=alert.pk)
    assert case.number in message.body
    assert "红灯超期" in message.body
