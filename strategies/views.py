"""Strategies of the jurisdictions a user may see."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import permissions
from ctframework.task_queue import TaskQueueUnavailable

from . import selectors, services
from .forms import DocumentUploadForm, StrategyForm
from .models import StrategyDocument

CONTENT_TYPES = {
    StrategyDocument.Format.PDF: "application/pdf",
    StrategyDocument.Format.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    StrategyDocument.Format.TEXT: "text/plain; charset=utf-8",
}


@require_safe
def strategy_list(request):
    strategies = permissions.visible_strategies(request.user).order_by(
        "jurisdiction__name", "-year_adopted", "title"
    )
    return render(
        request,
        "strategies/strategy_list.html",
        {
            "strategies": strategies,
            "can_create": permissions.can_create_strategy(request.user),
        },
    )


@require_safe
def strategy_detail(request, pk: int):
    strategy = permissions.get_strategy_for_user(request.user, pk)
    return _detail(request, strategy, DocumentUploadForm())


def _detail(request, strategy, upload_form, status=200):
    assessments = permissions.visible_assessments(request.user).filter(strategy=strategy)
    return render(
        request,
        "strategies/strategy_detail.html",
        {
            "strategy": strategy,
            "assessments": assessments.order_by("-updated_at"),
            "documents": strategy.documents.annotate(passage_count=Count("passages")).order_by(
                "uploaded_at"
            ),
            "upload_form": upload_form,
            "can_edit": permissions.can_edit_strategy(request.user, strategy),
            "can_assess": permissions.can_create_assessment(request.user, strategy),
        },
        status=status,
    )


@require_POST
def document_upload(request, pk: int):
    """Upload a document; the page then shows its extraction's progress."""
    strategy = permissions.get_strategy_for_user(request.user, pk)
    if not permissions.can_edit_strategy(request.user, strategy):
        raise PermissionDenied
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document, created = services.document_upload(
                strategy=strategy, user=request.user, file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except TaskQueueUnavailable as exc:
            form.add_error("file", str(exc))
            return _detail(request, strategy, form, status=503)
        else:
            if created:
                messages.success(request, _("Document uploaded: %(name)s.") % {"name": document})
            else:
                messages.info(
                    request,
                    _("This file was uploaded already, as %(name)s; nothing was added.")
                    % {"name": document},
                )
            return redirect("strategies:detail", strategy.pk)
    return _detail(request, strategy, form, status=400)


@require_safe
def document_status(request, document_pk: int):
    """The document's row in the strategy page, polled by htmx while it is extracted."""
    document = permissions.get_document_for_user(request.user, document_pk)
    return render(
        request,
        "strategies/strategy_detail.html#document-row",
        {
            "document": document,
            "strategy": document.strategy,
            "can_edit": permissions.can_edit_strategy(request.user, document.strategy),
        },
    )


@require_safe
def document_download(request, document_pk: int):
    document = permissions.get_document_for_user(request.user, document_pk)
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=CONTENT_TYPES[document.format],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def document_delete(request, document_pk: int):
    document = permissions.get_document_for_user(request.user, document_pk)
    try:
        services.document_delete(document=document, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Document removed: %(name)s.") % {"name": document})
    return redirect("strategies:detail", document.strategy_id)


@require_POST
def document_language(request, document_pk: int):
    """Correct the language detected for a document (re-indexes its passages)."""
    document = permissions.get_document_for_user(request.user, document_pk)
    try:
        services.document_set_language(
            document=document, language=request.POST.get("language", ""), user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Language saved: %(name)s.") % {"name": document})
    return redirect(
        f"{reverse('strategies:detail', args=[document.strategy_id])}#document-{document.pk}"
    )


@require_POST
def document_retry(request, document_pk: int):
    """Read a failed document again from its kept file (an OCR that failed)."""
    document = permissions.get_document_for_user(request.user, document_pk)
    try:
        services.document_retry(document=document, user=request.user)
    except TaskQueueUnavailable as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Reading the document again: %(name)s.") % {"name": document})
    return redirect(
        f"{reverse('strategies:detail', args=[document.strategy_id])}#document-{document.pk}"
    )


@require_safe
def strategy_reader(request, pk: int):
    """The strategy's text, passage by passage, with a search box."""
    strategy = permissions.get_strategy_for_user(request.user, pk)
    query = request.GET.get("q", "").strip()
    passages = permissions.visible_passages(request.user).filter(strategy=strategy)
    passages = passages.select_related("document").order_by("document_id", "position")
    passage_id = None
    if query:
        passages = selectors.matching_passages(passages, query)
    else:
        passage_id = selectors.passage_id_param(request.GET.get("passage"))
    page = selectors.reader_page(passages, number=request.GET.get("page"), passage_id=passage_id)
    return render(
        request,
        "strategies/strategy_reader.html",
        {"strategy": strategy, "page": page, "passages": page.object_list, "query": query},
    )


@require_safe
def passage_search(request):
    """Search the text of every strategy the user may see."""
    query = request.GET.get("q", "").strip()
    results = selectors.search_passages(request.user, query) if query else []
    return render(request, "strategies/passage_search.html", {"query": query, "results": results})


@require_http_methods(["GET", "HEAD", "POST"])
def strategy_edit(request, pk: int | None = None):
    strategy = permissions.get_strategy_for_user(request.user, pk) if pk else None
    allowed = (
        permissions.can_edit_strategy(request.user, strategy)
        if strategy
        else permissions.can_create_strategy(request.user)
    )
    if not allowed:
        raise PermissionDenied
    form = StrategyForm(
        request.POST or None, request.FILES or None, instance=strategy, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if strategy is None:
            saved.created_by = request.user
        saved.save()
        messages.success(request, _("Strategy saved."))
        return redirect("strategies:detail", saved.pk)
    return render(request, "strategies/strategy_form.html", {"form": form, "strategy": strategy})
