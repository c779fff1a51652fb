from django.urls import path

from . import views

app_name = "strategies"

urlpatterns = [
    path("", views.strategy_list, name="list"),
    path("new/", views.strategy_edit, name="create"),
    path("<int:pk>/", views.strategy_detail, name="detail"),
    path("<int:pk>/edit/", views.strategy_edit, name="edit"),
    path("<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("<int:pk>/reader/", views.strategy_reader, name="reader"),
    path("documents/<int:document_pk>/", views.document_status, name="document-status"),
    path(
        "documents/<int:document_pk>/download/", views.document_download, name="document-download"
    ),
    path("documents/<int:document_pk>/delete/", views.document_delete, name="document-delete"),
    path(
        "documents/<int:document_pk>/language/", views.document_language, name="document-language"
    ),
    path("documents/<int:document_pk>/retry/", views.document_retry, name="document-retry"),
    path("search/", views.passage_search, name="passage-search"),
]
