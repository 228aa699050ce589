"""URLs of the coordination table (namespace `coordination`), mounted at
/<lang>/workspace/table/."""

from django.urls import path

from relint.coordination import views

app_name = "coordination"

urlpatterns = [
    # /<lang>/workspace/table/
    path("", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_update, name="meeting_update"),
    path("meetings/<int:pk>/invite/", views.meeting_invite, name="meeting_invite"),
    path("meetings/<int:pk>/state/", views.meeting_state, name="meeting_state"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    # Agenda, attendance, minutes, decisions, action items, attachments of a meeting
    path("meetings/<int:pk>/agenda/propose/", views.agenda_propose, name="agenda_propose"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/review/", views.agenda_review, name="agenda_review"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path(
        "meetings/<int:pk>/attendance/<int:attendance_pk>/delete/",
        views.attendance_delete,
        name="attendance_delete",
    ),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/decisions/new/", views.decision_create, name="decision_create"),
    path("meetings/<int:pk>/decisions/<int:decision_pk>/edit/", views.decision_update, name="decision_update"),
    path("meetings/<int:pk>/decisions/<int:decision_pk>/delete/", views.decision_delete, name="decision_delete"),
    path("meetings/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("meetings/<int:pk>/actions/<int:action_pk>/edit/", views.action_update, name="action_update"),
    path("meetings/<int:pk>/actions/<int:action_pk>/delete/", views.action_delete, name="action_delete"),
    path("meetings/<int:pk>/attachments/new/", views.attachment_add, name="attachment_add"),
    path("meetings/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("meetings/<int:pk>/attachments/<int:attachment_pk>/edit/", views.attachment_update, name="attachment_update"),
    path(
        "meetings/<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_delete, name="attachment_delete"
    ),
    # Follow-up of action items
    path("actions/", views.action_dashboard, name="actions"),
    path("actions/<int:action_pk>/status/", views.action_status, name="action_status"),
    # Membership over time
    path("membership/", views.membership_list, name="memberships"),
    path("membership/new/", views.membership_create, name="membership_create"),
    path("membership/<int:membership_pk>/edit/", views.membership_update, name="membership_update"),
    # Calendar: the user's page, their token, and the feed itself
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/token/", views.calendar_issue, name="calendar_issue"),
    path("calendar/token/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
