from django.urls import path

from . import views

app_name = "principles"

urlpatterns = [
    path("", views.framework_list, name="framework-list"),
    path("search/", views.search, name="search"),
    path("<slug:slug>/<str:version>/", views.framework_detail, name="framework"),
    path(
        "<slug:slug>/<str:version>/export/<str:fmt>/",
        views.framework_export,
        name="framework-export",
    ),
    path("<slug:slug>/<str:version>/<str:code>/", views.principle_detail, name="principle"),
]
