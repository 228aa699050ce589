"""URLs of the activity pages (namespace `activities`, at
/<lang>/workspace/activities/) and of the reporting rounds (namespace
`rounds`, at /<lang>/workspace/rounds/)."""

from django.urls import path

from relint.activities import views

app_name = "activities"

# /<lang>/workspace/activities/
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("accept/", views.activity_bulk_accept, name="bulk_accept"),
    path("cities/", views.city_search, name="city_search"),
    path("organisations/", views.organisation_search, name="organisation_search"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/submit/", views.activity_submit, name="submit"),
    path("<int:pk>/return/", views.activity_return, name="return"),
    path("<int:pk>/accept/", views.activity_accept, name="accept"),
    path("<int:pk>/revise/", views.activity_start_revision, name="revise"),
    path("<int:pk>/copy/", views.activity_copy, name="copy"),
    path("<int:pk>/history/", views.activity_history, name="history"),
    path("<int:pk>/history/<int:history_id>/revert/", views.activity_revert, name="revert"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]

# /<lang>/workspace/rounds/
round_urlpatterns = [
    path("", views.round_list, name="list"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/remind/", views.round_remind, name="remind"),
    path("<int:pk>/close/", views.round_close, name="close"),
]
