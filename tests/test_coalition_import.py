"""A coalition's file with one URL per platform imports with no unknown-host error."""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.app import App
from aggregator.clock import FakeClock
from aggregator.config import load_settings
from aggregator.following import import_file

#: one petition URL per bundled platform, as people paste them (tracking parameters included)
COALITION = """url,tags,interval
https://petition.parliament.uk/petitions/700123?utm_source=twitter,uk,1h
https://www.change.org/p/save-the-old-pier-at-westhaven?recruiter=123&utm_source=share_petition,ngo,
https://api.whitehouse.gov/v1/petitions/5bd3a1e9f07c2b64d8000044.json,archive,1d
https://citizens-initiative.europa.eu/initiatives/details/2022/000002_en,eu,6h
https://secure.avaaz.org/community_petitions/en/the_government_of_canada_end_forced_organ_harvesting_from_falun_gong_uyghur_people/,ngo,
https://actions.eko.org/a/stop-the-mine?source=fb,ngo,
https://weact.campact.de/petitions/rettet-den-stadtpark,ngo,
https://innn.it/rettetdenstadtpark,ngo,
https://petitions.senedd.wales/petitions/245001,wales,
https://petitions.parliament.scot/petitions/PE2034,scotland,
https://epetitionen.bundestag.de/petitionen/_2024/_05/_13/Petition_168453.nc.html,de,
https://www.ourcommons.ca/petitions/en/Petition/Details?Petition=e-4567,ca,
https://www.aph.gov.au/e-petitions/petition/EN1234,au,
https://action.wemove.eu/sign/2024-05-bees-petition-EN?source=email,eu,
https://act.example-ngo.org/sign/clean-air-now,ngo,
https://you.38degrees.org.uk/petitions/save-our-local-hospital,uk,
https://campaigns.example-union.org/petitions/fair-pay-for-carers,union,
https://actionnetwork.org/petitions/protect-the-wetlands?source=direct_link,ngo,
https://sign.moveon.org/petitions/protect-voting-rights-7,us,
https://www.openpetition.de/petition/online/rettet-den-stadtwald,de,
https://citizengo.org/en/157636-delete-abortion-united-nations-agenda-csw62,ngo,
https://www.thepetitionsite.com/123/456/789/save-the-bees/,ngo,
https://www.gopetition.com/petitions/save-the-town-hall.html,ngo,
https://www.ipetitions.com/petition/save-the-bees-now,ngo,
https://www.mesopinions.com/petition/animaux/sauvons-abeilles/123456,fr,
https://stoporganharvesting.org.uk/?page_id=11&utm_medium=email,own-site,
http://ifjc.org/petition,own-site,
"""

CONFIG = """
[hosts]
"act.example-ngo.org" = "actionkit"
"campaigns.example-union.org" = "controlshift"

[extractors.stop-organ-harvesting]
hosts = ["stoporganharvesting.org.uk"]
count_regex = 'Total Signatures to Date = ([\\d,]+)'

[extractors.ifjc]
platform = "signature-list"
hosts = ["ifjc.org"]
rows_css = "table.views-table tbody tr"
"""


def test_coalition_file_imports_one_petition_per_platform(tmp_path):
    config = tmp_path / "petitions.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "p.db"}"\n' + CONFIG)
    coalition = tmp_path / "coalition.csv"
    coalition.write_text(COALITION)
    app = App.open(load_settings(str(config)), clock=FakeClock(datetime(2026, 11, 1, tzinfo=UTC)))
    try:
        results = import_file(app, coalition)
        assert [r.error for r in results if r.error] == []
        followed = {r.petition.platform for r in results}
        bundled = {
            e.platform.name
            for e in app.registry.entries()
            if type(e.platform).__module__.startswith("aggregator_plugins.")
        }
        assert bundled <= followed, f"no coalition URL for {sorted(bundled - followed)}"
        again = import_file(app, coalition)
        assert not any(r.created for r in again)  # idempotent
    finally:
        app.store.engine.dispose()
