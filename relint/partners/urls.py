"""URLs of the partner registry in the staff workspace (namespace
`partners`), mounted at /<lang>/workspace/partners/."""

from django.urls import path

from relint.partners import views

app_name = "partners"

urlpatterns = [
    # /<lang>/workspace/partners/ : partner cities and their relations
    path("", views.city_list, name="city_list"),
    path("cities/new/", views.city_create, name="city_create"),
    path("cities/<int:pk>/", views.city_detail, name="city_detail"),
    path("cities/<int:pk>/edit/", views.city_edit, name="city_edit"),
    path("cities/<int:pk>/relations/new/", views.relation_create, name="relation_create"),
    path("relations/<int:pk>/edit/", views.relation_edit, name="relation_edit"),
    # /<lang>/workspace/partners/organisations/ : organisations and committees
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/memberships/new/", views.membership_create, name="membership_create"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("memberships/<int:pk>/delete/", views.membership_delete, name="membership_delete"),
    # /<lang>/workspace/partners/agreements/ : agreements, parties, documents
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/parties/new/", views.party_create, name="party_create"),
    path("parties/<int:pk>/delete/", views.party_delete, name="party_delete"),
    path("agreements/<int:pk>/documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    # /<lang>/workspace/partners/contacts/ : contact persons (staff only)
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    # /<lang>/workspace/partners/history/ : any record's versions, and reverts
    path("history/<str:kind>/<int:pk>/", views.record_history, name="record_history"),
    path("history/<str:kind>/<int:pk>/<int:history_id>/revert/", views.record_revert, name="record_revert"),
]
