from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from assessments.exports import XLSX_CONTENT_TYPE
from ctframework.admin_access import AdministratorAccessMixin

from .interop import spreadsheet
from .library_files import MAX_FILE_BYTES, LibraryFileError
from .models import CrossReference, Framework, Principle, Section, Tag
from .services import library_file_import


class LibraryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Framework or crosswalk file"),
        help_text=format_lazy(
            _(
                "YAML or JSON in the format of {document}, an OSCAL catalog or mapping "
                "collection, or the spreadsheet template filled in; at most 20 MB."
            ),
            document=mark_safe("<code>docs/framework-format.md</code>"),
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: only show what would change"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


@admin.register(Framework)
class FrameworkAdmin(AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["short_title", "version", "issuing_body", "kind", "adopted_on", "assessable"]
    list_filter = ["kind", "issuing_body", "assessable"]
    search_fields = ["title", "short_title", "slug", "source_document"]
    change_list_template = "admin/principles/framework/change_list.html"

    def get_urls(self):
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="principles_framework_import",
            ),
            path(
                "import/template.xlsx",
                self.admin_site.admin_view(self.template_view),
                name="principles_framework_import_template",
            ),
        ]
        return custom + super().get_urls()

    def template_view(self, request):
        """The spreadsheet template of a principle set, to fill in and import."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        response = HttpResponse(spreadsheet.template(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="principle-set-template.xlsx"'
        return response

    def import_view(self, request):
        """Upload a framework or crosswalk file: the same checks and service as the command."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        report = problems = None
        form = LibraryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = library_file_import(
                    content=form.cleaned_data["file"].read(),
                    dry_run=form.cleaned_data["dry_run"],
                )
            except LibraryFileError as exc:
                problems = exc.problems
            else:
                if not report.dry_run:
                    self.message_user(request, report.lines()[-1], messages.SUCCESS)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a principle set"),
            "form": form,
            "report": report,
            "problems": problems,
            "changelist_url": reverse("admin:principles_framework_changelist"),
        }
        return TemplateResponse(request, "admin/principles/framework/import.html", context)


@admin.register(Section)
class SectionAdmin(AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["title", "code", "framework", "parent", "order"]
    list_filter = ["framework"]
    search_fields = ["title", "code"]
    list_select_related = ["framework", "parent"]


@admin.register(Principle)
class PrincipleAdmin(AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["code", "title", "framework", "section"]
    list_filter = ["framework", "tags"]
    search_fields = ["code", "title", "text"]
    list_select_related = ["framework", "section"]
    filter_horizontal = ["tags"]


@admin.register(CrossReference)
class CrossReferenceAdmin(AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["source", "relationship", "target", "strength"]
    list_filter = ["relationship", "strength", "source__framework", "target__framework"]
    search_fields = ["source__code", "target__code", "rationale"]
    list_select_related = ["source", "target"]
    autocomplete_fields = ["source", "target"]


@admin.register(Tag)
class TagAdmin(AdministratorAccessMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
