"""The public algorithm register: list with search and filters, detail pages in B1 Dutch,
the assessments behind an entry, and the exports in the Publicatiestandaard format."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from gelijk.algorithms import selectors
from gelijk.algorithms.services.register import standard_of


def register_list(request):
    filters = {k: request.GET.get(k, "") for k in ("q", "thema", "status", "categorie")}
    found = selectors.public_algorithms(filters)
    page = Paginator(found, 20).get_page(request.GET.get("pagina"))
    return render(
        request,
        "algorithms/public/list.html",
        {
            "page": page,
            "filters": filters,
            "options": selectors.public_filter_options(),
            "filtered": any(filters.values()),
        },
    )


def register_detail(request, ref: str):
    algorithm = selectors.public_algorithm(ref)
    version = algorithm.published_version
    standard = standard_of(version)
    return render(
        request,
        "algorithms/public/detail.html",
        {
            "algorithm": algorithm,
            "version": version,
            "record": version.record,
            "groups": selectors.record_fields(version.record, standard),
            "category_code": standard.category_code(version.publication_category),
            "assessments": selectors.public_assessments(algorithm),
        },
    )


def register_assessments(request, ref: str):
    algorithm = selectors.public_algorithm(ref)
    return render(
        request,
        "algorithms/public/assessments.html",
        {
            "algorithm": algorithm,
            "version": algorithm.published_version,
            "assessments": selectors.public_assessments(algorithm),
        },
    )
