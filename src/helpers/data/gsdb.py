"""The Global Sanctions Data Base, release 3, case level (mirror key ``gsdb_v3_case_level``), for every chapter.

Felbermayr, Kirilakha, Syropoulos, Yalcin & Yotov (2020); Kirilakha et al. (2021); release 3: Syropoulos et al.
(2024). One row per sanction case (1,325 cases, begin years 1949-2022, ``end`` = 2022 for cases still in force):
``sanctioned_state`` and ``sanctioning_state`` are country names as text, several of them in one string when
``target_mult``/``sender_mult`` = 1; ``trade`` with its descriptors ``descr_trade`` (``exp_compl``, ``imp_compl``,
``exp_part``, ``imp_part``, comma-separated, spaces optional), and the other types ``arms``, ``military``,
``financial``, ``travel``, ``other`` as 0/1 flags.

What this module does with it

* :func:`cases` parses every case: names split on commas, except the World Bank style suffixes that belong to the
  name before them ("Korea, North", "Yemen, North", "Gambia, The", "Egypt, Arab Rep.", "Congo, Democratic Republic
  of the"), and one boolean column per sanction type. Every name must be in the table below, or the call fails and
  lists the new names (:class:`UnmappedName`): a name is never dropped silently.
* Names → ISO 3166 alpha-3 codes (:func:`name_table`, :func:`iso3_of`). Principles:
  - a state that was renamed or re-coded but kept its territory gets today's code (Ceylon → LKA, Malagasy Republic
    → MDG, Malaya → MYS, Transjordan → JOR, Rhodesia → ZWE, "Yemen, North" → YEM, "South Vietnam" → VNM). The GSDB
    uses several of these names for the present state ("South Vietnam" and "Yemen, North" appear in cases to
    2022, "Transjordan" and "Ceylon" too);
  - a state that dissolved keeps its withdrawn ISO 3166-3 code: Soviet Union SUN, Czechoslovakia CSK, German
    Democratic Republic DDR, North Vietnam VDR (their cases end by 1991, 1991, 1990 and 1976);
  - "Yugoslavia" and "FRY" depend on the year: YUG to 1991 (the SFRY); SRB and MNE for 1992-2005 (the Federal
    Republic of Yugoslavia / Serbia and Montenegro covered both); SRB from 2006 (Serbia is the successor state);
  - Kosovo is XKX (the code the EU, IMF and World Bank use), Palestine PSE, Taiwan TWN, Hong Kong HKG, Gibraltar
    GIB.
* Groups expand to their members *in each year* (:data:`GROUPS`): EU and EEC (accession years; the United Kingdom
  through 2020, the Brexit transition year in which EU sanctions law still applied), the League of Arab States
  (suspensions of Egypt 1979-1989 and Syria from 2012 excluded), ECOWAS, the Eurasian Economic Union, Comecon
  (to its dissolution in 1991: its two cases run to 1994 in the file, and 1992-1994 have no members), G7, G8
  (Russia 1997-2013), NAFTA, and the "(Western) Balkans" (the six Western Balkan states). A sender that expands
  to the target itself (ECOWAS sanctioning a member) gives no dyad.
* Names deliberately not mapped (:data:`DROPPED`, with the reason): the UN and the other organisations whose
  membership by year is not kept here (their cases still count for the *targets* in :func:`country_years` and
  :func:`complete_trade_sanctioned`, which never depend on the sender), non-state targets (terrorist
  organisations), undefined sets ("Western countries", signatories of treaties) and Northern Cyprus (no ISO code).

Active years are ``begin`` .. ``end`` inclusive.

The Phillips & Ahmad variables (spec §2.5): ``S_it`` = 1 when country i is the *target* (sanctioned state) of at
least one case active in t whose trade descriptors include a *complete* component, ``exp_compl`` and/or
``imp_compl`` (:func:`complete_trade_sanctioned`; the paper drops sanctions that apply to "a subset of exports", i.e.
the partial ones); the pair variable ``Sanc_ijt`` = S_it XOR S_jt (:func:`sanc_pairs`). The paper's 2022 list
(Venezuela: ``exp_compl, imp_part``; Russia: ``exp_part, imp_compl``) is only reproduced by the "either" reading.

Release 3 against the V4 the paper used (:func:`paper_facts`): in 1995 the file has 11 sanctioned states under
complete trade sanctions (Armenia, Bosnia and Herzegovina, Cuba, Fiji, Iran, Iraq, Israel, Macedonia, Myanmar,
North Korea, Yugoslavia; 12 ISO3 codes, Yugoslavia being SRB and MNE), the paper says 14. In 2022 it has Armenia,
Cuba, Israel, North Korea, Russia and Venezuela; the paper lists Armenia, Cuba, Spain, Lebanon, North Korea, Russia
and Venezuela: V3 has no complete trade sanction on Spain (the 2022 Algeria-Spain trade freeze) or on Lebanon (the
2021 Saudi import ban), which V4 must have added, and V3 keeps the League of Arab States' boycott of Israel
(1950-2022, ``exp_compl, imp_compl``) in force, which the paper does not list.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import numpy as np
import pandas as pd

from helpers.data import load

KEY = "gsdb_v3_case_level"
TRADE_DESCRIPTORS = ("exp_compl", "imp_compl", "exp_part", "imp_part")
OTHER_TYPES = ("arms", "military", "financial", "travel", "other")
#: kinds accepted by country_years/dyad_years: every type column of cases(), and "any" (a case of any type)
KINDS = ("any", "trade", "trade_complete", "trade_partial", *TRADE_DESCRIPTORS, *OTHER_TYPES)
#: readings of "complete trade sanction" for S_it: a case counts when its descriptors include ...
COMPLETE_DEFINITIONS = {
    "either": ("exp_compl", "imp_compl"),   # ... exp_compl or imp_compl (default; the paper's 2022 list needs it)
    "both": ("exp_compl", "imp_compl"),     # ... exp_compl and imp_compl
    "export": ("exp_compl",),               # ... exp_compl
    "import": ("imp_compl",),               # ... imp_compl
}
#: facts the paper states about its GSDB (V4) build (spec §2.5)
PAPER_COUNT_1995 = 14
PAPER_LIST_2022 = ("ARM", "CUB", "ESP", "LBN", "PRK", "RUS", "VEN")

# suffix tokens that belong to the name before the comma ("Korea, North")
_NAME_SUFFIXES = frozenset({"North", "South", "The", "Arab Rep.", "Democratic Republic of the"})


class UnmappedName(ValueError):
    """A GSDB country or group name that is neither mapped to ISO3 nor listed as deliberately dropped."""


# ------------------------------------------------------------------------------------------------
# The name table
# ------------------------------------------------------------------------------------------------
#: names of (present-day) states, including renamed ones, → ISO 3166-1 alpha-3 (XKX for Kosovo: user-assigned)
COUNTRIES: dict[str, str] = {
    "Afghanistan": "AFG", "Albania": "ALB", "Algeria": "DZA", "Angola": "AGO", "Antigua and Barbuda": "ATG",
    "Argentina": "ARG", "Armenia": "ARM", "Australia": "AUS", "Austria": "AUT", "Azerbaijan": "AZE",
    "Bahrain": "BHR", "Bangladesh": "BGD", "Belarus": "BLR", "Belgium": "BEL", "Belize": "BLZ", "Benin": "BEN",
    "Bolivia": "BOL", "Bosnia and Herzegovina": "BIH", "Brazil": "BRA", "Bulgaria": "BGR", "Burkina Faso": "BFA",
    "Burundi": "BDI", "Cambodia": "KHM", "Cameroon": "CMR", "Canada": "CAN", "Central African Republic": "CAF",
    "Ceylon": "LKA", "Chad": "TCD", "Chile": "CHL", "China": "CHN", "Colombia": "COL", "Comoros": "COM",
    "Congo (Brazzaville)": "COG", "Congo, Democratic Republic of the": "COD", "Costa Rica": "CRI",
    "Cote d'Ivoire": "CIV", "Croatia": "HRV", "Cuba": "CUB", "Cyprus": "CYP", "Czech Republic": "CZE",
    "Denmark": "DNK", "Djibouti": "DJI", "Dominica": "DMA", "Dominican Republic": "DOM", "Ecuador": "ECU",
    "Egypt, Arab Rep.": "EGY", "El Salvador": "SLV", "Equatorial Guinea": "GNQ", "Eritrea": "ERI",
    "Estonia": "EST", "Ethiopia (excludes Eritrea)": "ETH", "Fiji": "FJI", "Finland": "FIN", "France": "FRA",
    "Gambia, The": "GMB", "Georgia": "GEO", "Germany": "DEU", "Ghana": "GHA", "Gibraltar": "GIB", "Greece": "GRC",
    "Grenada": "GRD", "Guatemala": "GTM", "Guinea": "GIN", "Guinea-Bissau": "GNB", "Haiti": "HTI",
    "Honduras": "HND", "Hong Kong": "HKG", "Hungary": "HUN", "Iceland": "ISL", "India": "IND",
    "Indonesia": "IDN", "Iran": "IRN", "Iraq": "IRQ", "Ireland": "IRL", "Israel": "ISR", "Italy": "ITA",
    "Jamaica": "JAM", "Japan": "JPN", "Jordan": "JOR", "Kazakhstan": "KAZ", "Kenya": "KEN", "Kiribati": "KIR",
    "Korea, North": "PRK", "Korea, South": "KOR", "Kosovo": "XKX", "Kuwait": "KWT", "Kyrgyzstan": "KGZ",
    "Laos": "LAO", "Latvia": "LVA", "Lebanon": "LBN", "Lesotho": "LSO", "Liberia": "LBR", "Libya": "LBY",
    "Liechtenstein": "LIE", "Lithuania": "LTU", "Luxembourg": "LUX", "Macedonia": "MKD",
    "Malagasy Republic": "MDG", "Malawi": "MWI", "Malaya": "MYS", "Maldives": "MDV", "Mali": "MLI",
    "Malta": "MLT", "Mauritania": "MRT", "Mexico": "MEX", "Moldova": "MDA", "Montenegro": "MNE",
    "Mozambique": "MOZ", "Myanmar": "MMR", "Nauru": "NRU", "Nepal": "NPL", "Netherlands": "NLD",
    "New Zealand": "NZL", "Nicaragua": "NIC", "Niger": "NER", "Nigeria": "NGA", "Norway": "NOR",
    "Pakistan": "PAK", "Palestine": "PSE", "Panama": "PAN", "Paraguay": "PRY", "Peru": "PER",
    "Philippines": "PHL", "Poland": "POL", "Portugal": "PRT", "Qatar": "QAT", "Rhodesia": "ZWE",
    "Romania": "ROU", "Russia": "RUS", "Rwanda": "RWA", "Saudi Arabia": "SAU", "Senegal": "SEN", "Serbia": "SRB",
    "Sierra Leone": "SLE", "Singapore": "SGP", "Slovakia": "SVK", "Slovenia": "SVN", "Somalia": "SOM",
    "South Africa": "ZAF", "South Sudan": "SSD", "South Vietnam": "VNM", "Spain": "ESP", "Sudan": "SDN",
    "Suriname": "SUR", "Sweden": "SWE", "Switzerland": "CHE", "Syria": "SYR", "Taiwan": "TWN",
    "Tajikistan": "TJK", "Tanzania": "TZA", "Thailand": "THA", "Togo": "TGO", "Transjordan": "JOR",
    "Tunisia": "TUN", "Turkey": "TUR", "Turkmenistan": "TKM", "Uganda": "UGA", "Ukraine": "UKR",
    "United Arab Emirates": "ARE", "United Kingdom": "GBR", "United States": "USA", "Uruguay": "URY",
    "Uzbekistan": "UZB", "Venezuela": "VEN", "Yemen, North": "YEM", "Zambia": "ZMB", "Zimbabwe": "ZWE",
}

#: dissolved states → withdrawn ISO 3166-3 alpha-3 codes
HISTORICAL: dict[str, str] = {
    "Soviet Union": "SUN", "Czechoslovakia": "CSK", "German Democratic Republic": "DDR", "North Vietnam": "VDR",
}

_YUGOSLAVIA = ((None, 1991, ("YUG",)), (1992, 2005, ("SRB", "MNE")), (2006, None, ("SRB",)))
#: names whose codes depend on the year: (first year or None, last year or None, codes)
BY_YEAR: dict[str, tuple] = {"Yugoslavia": _YUGOSLAVIA, "FRY": _YUGOSLAVIA}


def _spans(**members) -> dict[str, tuple[tuple[int, int], ...]]:
    """{iso3: ((first, last), ...)} from keyword arguments iso3=(first, last) or iso3=((f, l), (f, l))."""
    return {iso: (span,) if isinstance(span[0], int) else tuple(span) for iso, span in members.items()}


_OPEN = 9999
_EU = _spans(
    BEL=(1958, _OPEN), FRA=(1958, _OPEN), DEU=(1958, _OPEN), ITA=(1958, _OPEN), LUX=(1958, _OPEN),
    NLD=(1958, _OPEN), DNK=(1973, _OPEN), IRL=(1973, _OPEN), GBR=(1973, 2020), GRC=(1981, _OPEN),
    ESP=(1986, _OPEN), PRT=(1986, _OPEN), AUT=(1995, _OPEN), FIN=(1995, _OPEN), SWE=(1995, _OPEN),
    CYP=(2004, _OPEN), CZE=(2004, _OPEN), EST=(2004, _OPEN), HUN=(2004, _OPEN), LVA=(2004, _OPEN),
    LTU=(2004, _OPEN), MLT=(2004, _OPEN), POL=(2004, _OPEN), SVK=(2004, _OPEN), SVN=(2004, _OPEN),
    BGR=(2007, _OPEN), ROU=(2007, _OPEN), HRV=(2013, _OPEN),
)
_ARAB_LEAGUE = _spans(
    EGY=((1945, 1978), (1990, _OPEN)), IRQ=(1945, _OPEN), JOR=(1945, _OPEN), LBN=(1945, _OPEN),
    SAU=(1945, _OPEN), SYR=(1945, 2011), YEM=(1945, _OPEN), LBY=(1953, _OPEN), SDN=(1956, _OPEN),
    MAR=(1958, _OPEN), TUN=(1958, _OPEN), KWT=(1961, _OPEN), DZA=(1962, _OPEN), YMD=(1967, 1989),
    BHR=(1971, _OPEN), QAT=(1971, _OPEN), OMN=(1971, _OPEN), ARE=(1971, _OPEN), MRT=(1973, _OPEN),
    SOM=(1974, _OPEN), PSE=(1976, _OPEN), DJI=(1977, _OPEN), COM=(1993, _OPEN),
)
_ECOWAS = _spans(**{iso: (1975, _OPEN) for iso in ("BEN", "BFA", "CIV", "GMB", "GHA", "GIN", "GNB", "LBR", "MLI",
                                                    "NER", "NGA", "SEN", "SLE", "TGO")}, MRT=(1975, 2000),
                 CPV=(1977, _OPEN))
_G7 = _spans(**{iso: (1976, _OPEN) for iso in ("CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA")})
_WESTERN_BALKANS = _spans(**{iso: (1992, _OPEN) for iso in ("ALB", "BIH", "MKD", "MNE", "SRB", "XKX")})

#: groups expanded to their members in each year: {name: {iso3: ((first, last), ...)}}
GROUPS: dict[str, dict[str, tuple[tuple[int, int], ...]]] = {
    "EU": _EU,
    "EEC": _EU,
    "League of Arab States": _ARAB_LEAGUE,
    "ECOWAS": _ECOWAS,
    "EEU": _spans(**{iso: (2015, _OPEN) for iso in ("ARM", "BLR", "KAZ", "KGZ", "RUS")}),
    "Comecon": _spans(SUN=(1949, 1991), POL=(1949, 1991), CSK=(1949, 1991), HUN=(1949, 1991), ROU=(1949, 1991),
                      BGR=(1949, 1991), ALB=(1949, 1961), DDR=(1950, 1990), MNG=(1962, 1991), CUB=(1972, 1991),
                      VNM=(1978, 1991)),
    "G7": _G7,
    "G8": {**_G7, "RUS": ((1997, 2013),)},
    "NAFTA": _spans(**{iso: (1994, 2020) for iso in ("USA", "CAN", "MEX")}),
    "Balkans": _WESTERN_BALKANS,
    "Western Balkans": _WESTERN_BALKANS,
}

_NO_TABLE = "an organisation whose membership by year is not kept here: no sender-target dyads"
#: names deliberately not mapped to countries, with the reason
DROPPED: dict[str, str] = {
    "UN": "UN Security Council sanctions bind every member state; a UN membership table by year is not kept, so UN "
          "cases enter the targets' country-years but give no sender-target dyads",
    "African Union": _NO_TABLE, "Organisation of African Unity": _NO_TABLE,
    "Organization of American States": _NO_TABLE, "Organization of Eastern Carribean States": _NO_TABLE,
    "Commonwealth": _NO_TABLE, "CSCE": _NO_TABLE, "OSCE": _NO_TABLE, "OIC": _NO_TABLE, "SADC": _NO_TABLE,
    "Pacific Islands Forum": _NO_TABLE, "UNASUR": _NO_TABLE, "MERCOSUR": _NO_TABLE, "OAPEC": _NO_TABLE,
    "NATO": _NO_TABLE, "CoCom": _NO_TABLE + " (Western export-control committee)",
    "ChinCom": _NO_TABLE + " (CoCom's China committee)",
    "Kimberly Process Participants": "a certification scheme's participants (states and the EU), not kept by year",
    "Paris Agreement Signatories": "treaty signatories, not kept by year",
    "ICC Rome Statute Signatories": "treaty signatories (the US target of 2002-2008), not kept by year",
    "Western countries": "undefined set of states (OAPEC's 1973-74 oil embargo)",
    "Cyprus (Northern)": "the Turkish Republic of Northern Cyprus has no ISO 3166 code (recognised by Turkey only)",
    "Terrorist Organizations (Al-Qaeda)": "non-state target",
    "Terrorist Organizations (ISIL and ANF)": "non-state target",
    "Terrorist Organizations (Taliban and Al-Qaeda)": "non-state target",
    "Terrorist Organizations (Taliban)": "non-state target",
}


def name_table() -> pd.DataFrame:
    """Every name the module knows: name, kind (country | historical | by_year | group | dropped), iso3 (';'-joined
    codes; for groups every code that is ever a member), note."""
    rows = [(n, "country", c, "") for n, c in COUNTRIES.items()]
    rows += [(n, "historical", c, "dissolved state: withdrawn ISO 3166-3 code") for n, c in HISTORICAL.items()]
    for n, spans in BY_YEAR.items():
        codes = ";".join(dict.fromkeys(c for _, _, cs in spans for c in cs))
        rows.append((n, "by_year", codes, "; ".join(f"{a or '…'}-{b or '…'}: {'+'.join(cs)}" for a, b, cs in spans)))
    rows += [(n, "group", ";".join(sorted(m)), "expanded to its members in each year") for n, m in GROUPS.items()]
    rows += [(n, "dropped", "", why) for n, why in DROPPED.items()]
    return pd.DataFrame(rows, columns=["name", "kind", "iso3", "note"])


def known(name: str) -> bool:
    return name in COUNTRIES or name in HISTORICAL or name in BY_YEAR or name in GROUPS or name in DROPPED


@lru_cache(maxsize=None)
def iso3_of(name: str, year: int) -> tuple[str, ...]:
    """ISO3 codes a GSDB name stands for in `year` (a group: its members then; a dropped name: none).
    Raises UnmappedName for a name that is not in the table."""
    if name in COUNTRIES:
        return (COUNTRIES[name],)
    if name in HISTORICAL:
        return (HISTORICAL[name],)
    if name in BY_YEAR:
        for first, last, codes in BY_YEAR[name]:
            if (first is None or year >= first) and (last is None or year <= last):
                return codes
        return ()
    if name in GROUPS:
        return tuple(sorted(iso for iso, spans in GROUPS[name].items() if any(a <= year <= b for a, b in spans)))
    if name in DROPPED:
        return ()
    raise UnmappedName(f"GSDB name {name!r} is not in helpers.data.gsdb's table: add it to COUNTRIES, HISTORICAL, "
                       "BY_YEAR or GROUPS, or to DROPPED with the reason.")


def split_names(text) -> tuple[str, ...]:
    """A GSDB sender/target string as names: split on commas, rejoining the suffixes that belong to the name before
    them ("Mauritania, Yemen, North, Niger" → ("Mauritania", "Yemen, North", "Niger"))."""
    out: list[str] = []
    if not isinstance(text, str):
        return ()
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        if token in _NAME_SUFFIXES and out:
            out[-1] = f"{out[-1]}, {token}"
        else:
            out.append(token)
    return tuple(out)


# ------------------------------------------------------------------------------------------------
# Cases
# ------------------------------------------------------------------------------------------------
def _read() -> pd.DataFrame:
    return load(KEY)


def cases(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per case: case_id, begin, end, targets and senders (tuples of names, parsed), target_raw and
    sender_raw (the file's strings), one boolean column per type (trade, trade_complete = exp_compl or imp_compl,
    trade_partial = exp_part or imp_part, exp_compl, imp_compl, exp_part, imp_part, arms, military, financial,
    travel, other), target_mult, sender_mult, objective, success.

    `frame` is the case-level table (read from the mirror, verified, when omitted). Raises UnmappedName listing
    every name that is neither mapped nor deliberately dropped."""
    if frame is None:
        return _cases_cached().copy()
    return _parse_cases(frame)


@lru_cache(maxsize=1)
def _cases_cached() -> pd.DataFrame:
    return _parse_cases(_read())


def _parse_cases(frame: pd.DataFrame) -> pd.DataFrame:
    need = ["case_id", "sanctioned_state", "sanctioning_state", "begin", "end", "trade", "descr_trade", *OTHER_TYPES]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise ValueError(f"Not a GSDB case-level table: columns {missing} are missing.")
    out = pd.DataFrame({"case_id": frame["case_id"].astype(int).to_numpy(),
                        "begin": frame["begin"].astype(int).to_numpy(), "end": frame["end"].astype(int).to_numpy()})
    out["targets"] = [split_names(s) for s in frame["sanctioned_state"]]
    out["senders"] = [split_names(s) for s in frame["sanctioning_state"]]
    out["target_raw"] = frame["sanctioned_state"].to_numpy()
    out["sender_raw"] = frame["sanctioning_state"].to_numpy()
    unknown: dict[str, list[int]] = {}
    for cid, names in zip(out["case_id"], out["targets"] + out["senders"]):
        for n in names:
            if not known(n):
                unknown.setdefault(n, []).append(int(cid))
    if unknown:
        listing = "; ".join(f"{n!r} (cases {ids[:5]})" for n, ids in sorted(unknown.items()))
        raise UnmappedName(f"{len(unknown)} GSDB name(s) are not in helpers.data.gsdb's table: {listing}. Map each to "
                           "ISO3 (COUNTRIES, HISTORICAL, BY_YEAR, GROUPS) or list it in DROPPED with the reason.")
    descr = frame["descr_trade"].fillna("").astype(str).str.replace(" ", "").str.split(",")
    descr = descr.map(lambda parts: frozenset(p for p in parts if p))
    bad = set().union(*descr) - set(TRADE_DESCRIPTORS)
    if bad:
        raise ValueError(f"Unknown GSDB trade descriptors {sorted(bad)}; known: {list(TRADE_DESCRIPTORS)}.")
    out["trade"] = frame["trade"].astype(int).to_numpy() == 1
    for d in TRADE_DESCRIPTORS:
        out[d] = descr.map(lambda s, d=d: d in s).to_numpy()
    out["trade_complete"] = out["exp_compl"] | out["imp_compl"]
    out["trade_partial"] = out["exp_part"] | out["imp_part"]
    for t in OTHER_TYPES:
        out[t] = frame[t].astype(int).to_numpy() == 1
    for c in ("target_mult", "sender_mult", "objective", "success"):
        if c in frame.columns:
            out[c] = frame[c].to_numpy()
    return out


def _kind_mask(c: pd.DataFrame, kind: str) -> pd.Series:
    if kind == "any":
        return pd.Series(True, index=c.index)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}; got {kind!r}.")
    return c[kind].astype(bool)


def _year_bounds(years) -> tuple[int, int]:
    if years is None:
        return (-_OPEN, _OPEN)
    if isinstance(years, (int, np.integer)):
        return (int(years), int(years))
    lo, hi = years
    return (int(lo), int(hi))


def _expand(c: pd.DataFrame, role: str, years) -> pd.DataFrame:
    """case_id, year, name, iso3 for every active year of every case in `c` and every country its `role`
    names stand for in that year."""
    lo, hi = _year_bounds(years)
    col = "targets" if role == "target" else "senders"
    rows = []
    for cid, begin, end, names in zip(c["case_id"], c["begin"], c["end"], c[col]):
        for year in range(max(int(begin), lo), min(int(end), hi) + 1):
            for n in names:
                for iso in iso3_of(n, year):
                    rows.append((int(cid), year, n, iso))
    out = pd.DataFrame(rows, columns=["case_id", "year", "name", "iso3"])
    return out.drop_duplicates(["case_id", "year", "iso3"], ignore_index=True)


def country_years(kind: str = "any", role: str = "target", years=None,
                  frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """iso3, year, n_cases: countries that are the target (role='target') or a sender (role='sender') of at least
    one active case of `kind` (see KINDS) in the year. `years` = (first, last), inclusive, or None for all."""
    if role not in ("target", "sender"):
        raise ValueError(f"role must be 'target' or 'sender'; got {role!r}.")
    c = cases(frame)
    long = _expand(c[_kind_mask(c, kind)], role, years)
    out = long.groupby(["iso3", "year"], as_index=False)["case_id"].nunique().rename(columns={"case_id": "n_cases"})
    return out.sort_values(["year", "iso3"], ignore_index=True)


def dyad_years(kind: str = "any", years=None, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """case_id, year, sender, target (ISO3), sender_name, target_name (the file's names, e.g. 'EU' for every EU
    member it expands to): one row per case, year and sender-target pair of countries, for active cases of `kind`.
    Groups expand to their members in that year; names in DROPPED give no dyads; a country never sanctions itself
    (ECOWAS sanctioning a member). For a dyad-year indicator: ``.drop_duplicates(['sender', 'target', 'year'])``."""
    c = cases(frame)
    c = c[_kind_mask(c, kind)]
    t = _expand(c, "target", years).rename(columns={"name": "target_name", "iso3": "target"})
    s = _expand(c, "sender", years).rename(columns={"name": "sender_name", "iso3": "sender"})
    d = s.merge(t, on=["case_id", "year"])
    d = d[d["sender"] != d["target"]]
    return d[["case_id", "year", "sender", "target", "sender_name", "target_name"]].sort_values(
        ["case_id", "year", "sender", "target"], ignore_index=True)


# ------------------------------------------------------------------------------------------------
# Phillips & Ahmad: S_it and Sanc
# ------------------------------------------------------------------------------------------------
def _complete_mask(c: pd.DataFrame, definition: str) -> pd.Series:
    if definition not in COMPLETE_DEFINITIONS:
        raise ValueError(f"definition must be one of {list(COMPLETE_DEFINITIONS)}; got {definition!r}.")
    cols = list(COMPLETE_DEFINITIONS[definition])
    return c[cols].all(axis=1) if definition == "both" else c[cols].any(axis=1)


def complete_trade_sanctioned(years=(1995, 2022), definition: str = "either",
                              frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """iso3, year: S_it = 1, country i is the sanctioned state of at least one complete trade sanction active in t.
    `definition` (COMPLETE_DEFINITIONS): 'either' (exp_compl or imp_compl; default), 'both', 'export', 'import'.
    `years` = (first, last), inclusive. Any sender counts, organisations included (the target side never needs
    the sender's members)."""
    c = cases(frame)
    long = _expand(c[_complete_mask(c, definition)], "target", years)
    return long[["iso3", "year"]].drop_duplicates().sort_values(["year", "iso3"], ignore_index=True)


def sanctioned_in(year: int, definition: str = "either", by: str = "iso3",
                  frame: pd.DataFrame | None = None) -> list[str]:
    """Sorted ISO3 codes (by='iso3') or GSDB names (by='name') under complete trade sanctions in `year`."""
    c = cases(frame)
    long = _expand(c[_complete_mask(c, definition)], "target", (year, year))
    if by not in ("iso3", "name"):
        raise ValueError(f"by must be 'iso3' or 'name'; got {by!r}.")
    return sorted(set(long[by]))


def sanc_pairs(iso3_list: Iterable[str], years=(1995, 2022), definition: str = "either",
               frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every exporter x importer x year of `iso3_list` (domestic pairs included) with sanctioned_o, sanctioned_d
    (S_it, S_jt), Sanc = S_it XOR S_jt (exactly one of the two sanctioned: the paper's pair variable) and
    either_sanctioned = S_it OR S_jt (Table 7's 'at least one country under sanction'), as int8."""
    codes = np.array(sorted(dict.fromkeys(iso3_list)), dtype=object)
    lo, hi = _year_bounds(years)
    yrs = np.arange(lo, hi + 1)
    s = complete_trade_sanctioned((lo, hi), definition, frame)
    flag = np.zeros((len(yrs), len(codes)), dtype=np.int8)
    pos = {c: k for k, c in enumerate(codes)}
    for iso, year in zip(s["iso3"], s["year"]):
        if iso in pos:
            flag[year - lo, pos[iso]] = 1
    n, t = len(codes), len(yrs)
    so = np.repeat(flag, n, axis=1).ravel()            # (year, exporter, importer) order
    sd = np.tile(flag, (1, n)).ravel()
    return pd.DataFrame({
        "exporter": np.tile(np.repeat(codes, n), t), "importer": np.tile(codes, n * t),
        "year": np.repeat(yrs, n * n), "sanctioned_o": so, "sanctioned_d": sd,
        "Sanc": (so ^ sd).astype(np.int8), "either_sanctioned": (so | sd).astype(np.int8)})


def pair_shares(iso3_list: Iterable[str], years=(1995, 2022), definition: str = "either",
                international_only: bool = False, frame: pd.DataFrame | None = None) -> dict[str, float]:
    """Shares of exporter-importer-year observations of `iso3_list` with Sanc = 1 (XOR) and with at least one
    country sanctioned (OR, Table 7's row: 14.0% in 1995-2009 and 10.0% in 2010-2022 on the paper's >200
    countries). The result depends on the country list: pass the panel's own."""
    p = sanc_pairs(iso3_list, years, definition, frame)
    if international_only:
        p = p[p["exporter"] != p["importer"]]
    return {"xor": float(p["Sanc"].mean()), "either": float(p["either_sanctioned"].mean()), "n": int(len(p))}


def paper_facts(definition: str = "either", frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The paper's statements about its GSDB build checked on release 3: fact, paper, gsdb_v3, agrees, note.
    Rows: the 1995 count (by GSDB name and by ISO3 code), the 1995 list, the 2022 list and what differs."""
    names95 = sanctioned_in(1995, definition, "name", frame)
    iso95 = sanctioned_in(1995, definition, "iso3", frame)
    iso22 = sanctioned_in(2022, definition, "iso3", frame)
    names22 = sanctioned_in(2022, definition, "name", frame)
    paper22 = set(PAPER_LIST_2022)
    rows = [
        ("countries under complete trade sanctions, 1995 (GSDB names)", PAPER_COUNT_1995, len(names95),
         len(names95) == PAPER_COUNT_1995, "; ".join(names95)),
        ("countries under complete trade sanctions, 1995 (ISO3 codes)", PAPER_COUNT_1995, len(iso95),
         len(iso95) == PAPER_COUNT_1995, ", ".join(iso95) + " (Yugoslavia 1992-2005 = SRB + MNE)"),
        ("countries under complete trade sanctions, 2022 (count)", len(paper22), len(iso22),
         len(iso22) == len(paper22), "; ".join(names22)),
        ("countries under complete trade sanctions, 2022 (list)", ", ".join(sorted(paper22)), ", ".join(iso22),
         set(iso22) == paper22,
         f"in the paper only: {', '.join(sorted(paper22 - set(iso22))) or 'none'}; "
         f"in GSDB V3 only: {', '.join(sorted(set(iso22) - paper22)) or 'none'}"),
    ]
    return pd.DataFrame(rows, columns=["fact", "paper", "gsdb_v3", "agrees", "note"])
