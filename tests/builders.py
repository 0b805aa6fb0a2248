"""Small canonical workbooks for tests, written with openpyxl from the template's labels."""

from pathlib import Path

import openpyxl

from pipelines import spec

MP_HEADER = [c.header for c in spec.MASTERPLAN_COLUMNS]
EV_HEADER = [c.header for c in spec.EVALUATION_COLUMNS]


def programme(code="SG-01", name="Aplikasi Perizinan Terpadu", dimension="Smart Governance",
              sub="Pelayanan Publik", horizon="Quick Win", start=2022, end=2023,
              budget=1_500_000_000):
    return [code, dimension, sub, name, "Layanan perizinan daring", horizon, start, end,
            "DPMPTSP", "APBD Kabupaten/Kota", budget, "Jumlah layanan daring", "20", "layanan"]


def identity(region="Kota Jambi", province="Jambi", code="15.71", kind="masterplan", **extra):
    fields = {"document_kind": spec.KIND_LABELS[kind], "province": province,
              "region_name": region, "region_code": code, "cohort_year": 2022,
              "contact_name": "Siti Rahma", "contact_email": "siti@example.go.id",
              "contact_phone": "081234567890"}
    if kind == "masterplan":
        fields.update(plan_period="2022-2031", version=1, document_date="15/07/2022")
    else:
        fields.update(evaluation_year=2023, document_date="01/11/2023")
    fields.update(extra)
    return {k: v for k, v in fields.items() if v is not None}


def workbook(path: Path, ident: dict | None, sheets: dict[str, list[list]],
             hidden: tuple[str, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    first = wb.active
    if ident is not None:
        first.title = spec.IDENTITY_SHEET
        first.append(["IDENTITAS DOKUMEN"])
        first.append([])
        for key, value in ident.items():
            first.append([spec.IDENTITY_FIELDS[key][0], value])
    else:
        wb.remove(first)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def masterplan(path: Path, rows: list[list] | None = None, **ident) -> Path:
    rows = rows if rows is not None else [programme(), programme("SE-01", "Pasar Digital",
                                                                 "Smart Economy", "Industri")]
    return workbook(path, identity(**ident), {spec.MASTERPLAN_SHEET: [MP_HEADER, *rows]})


def evaluation(path: Path, rows: list[list], scores: list[list] | None = None, **ident) -> Path:
    sheets = {spec.EVALUATION_SHEET: [EV_HEADER, *rows]}
    if scores is not None:
        sheets[spec.SCORE_SHEET] = [["Komponen", "Nilai"], *scores]
    return workbook(path, identity(kind="evaluation", **ident), sheets)
