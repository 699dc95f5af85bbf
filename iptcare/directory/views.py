import hashlib
from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from iptcare.accounts.access import AuthedRequest
from iptcare.directory import access, services
from iptcare.directory.concerns import understand
from iptcare.directory.forms import (
    CredentialFormSet,
    DirectorySearchForm,
    LicenseFormSet,
    MatchForm,
    PhotoForm,
    ProfileForm,
)
from iptcare.directory.matching import label
from iptcare.directory.models import IptCredential, License, Verification
from iptcare.directory.search import Found, directory
from iptcare.lib.geo import STATE_NAMES, state_time_zone
from iptcare.lib.images import PhotoRefused

PAGE_SIZE = 20
# How the results page names what it heard, in the person's terms.
CONCERN_WORDS = {
    "perinatal": "pregnancy and becoming a parent",
    "substance_use": "alcohol, drugs or other addictions",
    "trauma": "trauma",
    "lgbtq": "being LGBTQ+",
    "adolescents": "being a teenager",
    "workplace": "work",
}


@dataclass
class ResultsPage:
    """One page of directory results, read as PAGE_SIZE + 1 rows with no COUNT: counting a
    national directory's matches would read every profile on each search."""

    number: int
    object_list: list
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def results_page(results: Found, raw_number: str | None) -> ResultsPage:
    try:
        number = max(1, min(int(raw_number or 1), 500))
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    rows = results.page(start, start + PAGE_SIZE + 1)
    return ResultsPage(number, rows[:PAGE_SIZE], len(rows) > PAGE_SIZE)


def search(request: HttpRequest, state: str = "") -> HttpResponse:
    params = request.GET.copy()
    if state:
        if state.upper() not in STATE_NAMES:
            raise Http404("No such state")
        params.setdefault("state", state.upper())
    params.setdefault("radius", "25")  # what the search uses when none is given
    form = DirectorySearchForm(params)
    page = None
    if form.is_valid():
        page = results_page(directory(form.query()), request.GET.get("page"))
    query = params.copy()
    query.pop("page", None)
    ctx = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "state_name": STATE_NAMES.get(state.upper(), ""),
    }
    return render(request, "directory/search.html", ctx)


def profile_detail(request: HttpRequest, slug: str) -> HttpResponse:
    profile = access.listed_profile(slug)
    return render(request, "directory/profile_detail.html", profile_context(profile))


def profile_context(profile) -> dict:
    return {
        "profile": profile,
        "licenses": profile.licenses.all(),
        "credentials": profile.credentials.all(),
        "specialties": [label("specialties", k) for k in profile.specialties],
        "areas": [label("ipt_areas", k) for k in profile.ipt_areas],
        "populations": [label("populations", k) for k in profile.populations],
        "languages": [label("languages", k) for k in profile.languages],
        "insurance": [label("insurers", k) for k in profile.insurance],
        "verified": Verification.VERIFIED,
    }


def profile_photo(request: HttpRequest, slug: str) -> HttpResponse:
    profile = access.listed_profile(slug)
    if not profile.photo:
        raise Http404("No photo")
    data = bytes(profile.photo)
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304)
    response = HttpResponse(data, content_type="image/jpeg")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def match(request: HttpRequest) -> HttpResponse:
    """The intake and its results on one page. POST keeps the person's words out of URLs
    and logs; nothing they type is stored."""
    form = MatchForm(request.POST or None)
    result = None
    words: list[str] = []
    zone = ""
    if request.method == "POST" and form.is_valid():
        wishes = form.wishes()
        zone = state_time_zone(wishes.state)  # times in the person's state's usual zone
        concerns = understand(form.cleaned_data["story"])
        result = services.find_matches(concerns, wishes, form.cleaned_data["place"])
        words = [label("ipt_areas", f.key).split(" (")[0].lower() for f in concerns.ipt_areas]
        words += [
            CONCERN_WORDS.get(f.key, label("specialties", f.key).lower())
            for f in concerns.specialties[:3]
        ]
    ctx = {
        "form": form,
        "result": result,
        "concern_words": list(dict.fromkeys(words)),
        "zone": zone,
    }
    return render(request, "directory/match.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthedRequest) -> HttpResponse:
    profile = access.own_profile(request)
    data = request.POST or None
    form = ProfileForm(data, instance=profile)
    licenses = LicenseFormSet(data, instance=profile, prefix="licenses")
    credentials = CredentialFormSet(data, instance=profile, prefix="credentials")
    if request.method == "POST" and all(f.is_valid() for f in (form, licenses, credentials)):
        services.save_profile_forms(request, request.user, form, licenses, credentials)
        messages.success(request, "Your profile was saved.")
        return redirect("directory:profile-edit")
    ctx = {
        "form": form,
        "licenses": licenses,
        "credentials": credentials,
        "profile": profile,
        "photo_form": PhotoForm(),
    }
    return render(request, "directory/profile_form.html", ctx)


@login_required
@require_POST
def profile_photo_upload(request: AuthedRequest) -> HttpResponse:
    profile = access.own_profile(request)
    if request.POST.get("remove"):
        services.set_photo(request, request.user, profile, None)
        messages.success(request, "Your photo was removed.")
        return redirect("directory:profile-edit")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            if upload.size > 5 * 1024 * 1024:
                raise PhotoRefused("The photo is larger than 5 MB.")
            services.set_photo(request, request.user, profile, upload.read())
        except PhotoRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Your photo was saved.")
    else:
        messages.error(request, "Choose a photo to upload.")
    return redirect("directory:profile-edit")


@login_required
def practice_profiles(request: AuthedRequest) -> HttpResponse:
    profiles = (
        access.practice_profiles(request)
        .select_related("user")
        .prefetch_related("licenses", "credentials")
        .order_by("display_name")
    )
    return render(
        request,
        "directory/practice_profiles.html",
        {"profiles": profiles, "statuses": Verification},
    )


@login_required
@require_POST
def practice_publish(request: AuthedRequest, code: UUID) -> HttpResponse:
    profile = access.practice_profile(request, code)
    publish = request.POST.get("publish") == "1"
    services.set_published(request, request.user, profile, publish)
    if publish and not profile.training_mask:
        messages.warning(
            request,
            f"{profile} is published but stays out of the directory "
            "until IPT training is recorded.",
        )
    else:
        messages.success(request, f"{profile} is {'published' if publish else 'unpublished'}.")
    return redirect("directory:practice-profiles")


def _status(request: HttpRequest) -> str:
    status = request.POST.get("status", "")
    if status not in Verification.values:
        raise Http404("No such status")
    return status


@login_required
@require_POST
def practice_verify_license(request: AuthedRequest, code: UUID) -> HttpResponse:
    record = access.practice_record(request, License, code)
    services.set_verification(request, request.user, record, _status(request))
    return redirect("directory:practice-profiles")


@login_required
@require_POST
def practice_verify_credential(request: AuthedRequest, code: UUID) -> HttpResponse:
    record = access.practice_record(request, IptCredential, code)
    services.set_verification(request, request.user, record, _status(request))
    return redirect("directory:practice-profiles")
