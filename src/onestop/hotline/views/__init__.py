"""Hotline pages: the operator's console, ticket pages and their moves, the department inbox,
the callback and leaders' queues, the knowledge base, metrics, and the public submit/follow
pages. Views are thin: parse, fetch in scope, call one action, show a domain error in Chinese.
"""

from onestop.hotline.views.knowledge import kb_article, kb_edit, kb_search
from onestop.hotline.views.moves import dispatch_move, ticket_move
from onestop.hotline.views.public import PUBLIC_LIMIT, PUBLIC_WINDOW, public_submit, public_track
from onestop.hotline.views.queues import callback_queue, leader_queue, metrics
from onestop.hotline.views.tickets import (
    attachment,
    caller,
    console,
    inbox,
    suggest,
    ticket_detail,
    ticket_list,
)

__all__ = [
    "PUBLIC_LIMIT",
    "PUBLIC_WINDOW",
    "attachment",
    "callback_queue",
    "caller",
    "console",
    "dispatch_move",
    "inbox",
    "kb_article",
    "kb_edit",
    "kb_search",
    "leader_queue",
    "metrics",
    "public_submit",
    "public_track",
    "suggest",
    "ticket_detail",
    "ticket_list",
    "ticket_move",
]
