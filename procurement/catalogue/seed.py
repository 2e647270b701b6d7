"""Demo seeder of the catalogue: about 500 products of 143 real generic names (the 25 of the first
national VBP pilot among them) and a national price feed loaded through the real import."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.catalogue import services
from procurement.catalogue.models import Product
from procurement.catalogue.pricing import parse_specification
from procurement.core.demo import medicines
from procurement.core.money import round_money
from procurement.core.seeding import SeedContext, demo_seeder
from procurement.organisations.choices import PROVINCES, OrganisationKind
from procurement.organisations.models import Organisation, User

SPECIAL = {
    "硫酸吗啡缓释片": {"controlled_category": "narcotic"},
    "盐酸曲马多缓释片": {"controlled_category": "psychotropic"},
    "地西泮片": {"controlled_category": "psychotropic"},
    "艾司唑仑片": {"controlled_category": "psychotropic"},
    "甲巯咪唑片": {"is_designated_production": True},
    "氯化钾缓释片": {"is_provincial_reserve": True},
    "硝酸甘油片": {"is_shortage": True},
    "替格瑞洛片": {"is_national_negotiated": True},
    "利伐沙班片": {"is_national_negotiated": True},
    "注射用紫杉醇(白蛋白结合型)": {"is_national_negotiated": True, "is_innovative": True},
}

FORM_CODES = {
    "片剂": "A0",
    "缓释片": "A1",
    "控释片": "A2",
    "肠溶片": "A3",
    "咀嚼片": "A4",
    "舌下片": "A5",
    "胶囊剂": "B0",
    "缓释胶囊": "B1",
    "肠溶胶囊": "B2",
    "软胶囊": "B3",
    "注射剂": "C0",
    "散剂": "D0",
    "颗粒剂": "D1",
    "口服溶液剂": "E0",
    "合剂": "E1",
    "吸入粉雾剂": "F0",
    "吸入混悬液": "F1",
    "气雾剂": "F2",
    "滴丸剂": "G0",
    "丸剂": "G1",
}


@demo_seeder("catalogue", after=("organisations",))
def seed_catalogue(context: SeedContext) -> None:
    """Products of every maker, then the national price feed through the import (as the bureau loads it)."""
    products = _products(context)
    context.write(f"  {len(products)} products")
    _feed(context, products)


def _products(context: SeedContext) -> list[tuple[Product, Decimal]]:
    """Products with an indicative pack price each (the base of the invented feed prices).

    Written in one statement: the catalogue is reference data the platform receives whole (there is
    no service that makes one product, as there is none in production: products come from the
    national code list).
    """
    rng = context.random
    makers = {
        organisation.name: organisation
        for organisation in Organisation.objects.filter(kind=OrganisationKind.MANUFACTURER).order_by("pk")
    }
    maker_numbers = {name: number for number, name in enumerate(makers, start=1)}
    western_makers = [name for name in makers if name not in medicines.CHINESE_MEDICINE_MAKERS[:3]]
    products, seen_codes = [], set()
    catalogue = [("X", entry) for entry in medicines.WESTERN] + [("Z", entry) for entry in medicines.CHINESE_PATENT]
    for generic_index, (letter, entry) in enumerate(catalogue, start=1):
        name, atc, form, route, specs, packs, unit, unit_price, originator = entry
        pool = medicines.CHINESE_MEDICINE_MAKERS if letter == "Z" else western_makers
        chosen = rng.sample(
            [maker for maker in pool if not originator or maker != originator[0]], k=min(len(pool), rng.randint(1, 3))
        )
        if originator:
            chosen = [originator[0], *chosen]
        base_content = parse_specification(specs[0])
        for maker_index, maker_name in enumerate(chosen):
            maker = makers[maker_name]
            is_originator = bool(originator) and maker_name == originator[0]
            maker_factor = (
                Decimal(rng.choice(["4.5", "6", "8"]))
                if is_originator
                else Decimal(rng.choice(["0.8", "1", "1.15", "1.3"]))
            )
            for spec_index, spec in enumerate(specs, start=1):
                content = parse_specification(spec)
                spec_factor = (
                    Decimal("1.7") ** ((content.amount / base_content.amount).ln() / Decimal(2).ln())
                    if content and base_content and content.unit == base_content.unit
                    else Decimal(1)
                )
                for pack_index, pack in enumerate(rng.sample(packs, k=min(len(packs), rng.randint(1, 2))), 1):
                    code = (
                        f"{letter}{atc}{generic_index:04d}{FORM_CODES.get(form, 'Z9')}{spec_index:03d}{pack_index:03d}"
                        f"{maker_numbers[maker_name]:05d}"
                    )
                    if code in seen_codes:
                        continue
                    seen_codes.add(code)
                    attributes = dict(SPECIAL.get(name, {}))
                    if attributes.get("is_national_negotiated"):
                        attributes.update(
                            agreement_valid_from=date(2025, 1, 1), agreement_valid_until=date(2026, 12, 31)
                        )
                    pack_price = round_money(Decimal(unit_price) * spec_factor * maker_factor * pack)
                    if attributes.get("is_national_negotiated"):
                        attributes["payment_standard"] = round_money(pack_price * Decimal("0.9"))
                    product = Product(
                        code=code,
                        generic_name=name,
                        trade_name=originator[1]
                        if is_originator
                        else (f"{maker.name[:2]}{name[:2]}" if rng.random() < 0.5 else ""),
                        dosage_form=form,
                        specification=spec,
                        route=route,
                        pack_quantity=pack,
                        minimum_unit=unit,
                        pack_unit="瓶" if unit in ("瓶", "吸", "揿") else "盒",
                        manufacturer=maker,
                        holder=maker,
                        approval_number=f"国药准字{'H' if letter == 'X' else 'Z'}{rng.randint(19990001, 20259999)}",
                        is_originator=is_originator,
                        is_reference=is_originator,
                        is_consistency_evaluated=letter == "X" and not is_originator and rng.random() < 0.7,
                        registration_date=date(2024, 12, 1) + timedelta(days=rng.randint(0, 700))
                        if maker_index == len(chosen) - 1 and rng.random() < 0.05
                        else date(2005, 1, 1) + timedelta(days=rng.randint(0, 6500)),
                        **attributes,
                    )
                    product.refresh_search_initials()
                    products.append((product, pack_price))
    Product.objects.bulk_create([product for product, _price in products], batch_size=1000)
    return products


def _feed(context: SeedContext, products) -> None:
    """Each product's price in 8 to 26 other provinces, as a CSV file the bureau uploads and the import loads."""
    rng = context.random
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["医保药品代码", "省份", "挂网价格", "执行日期"])
    provinces = list(PROVINCES.values())
    for product, pack_price in products:
        for province in rng.sample(provinces, k=rng.randint(8, 26)):
            price = round_money(pack_price * Decimal(rng.uniform(0.82, 1.25)).quantize(Decimal("0.001")))
            effective = date(2025, 1, 1) + timedelta(days=rng.randint(0, 690))
            writer.writerow([product.code, province, f"{max(price, Decimal('0.01'))}", effective.isoformat()])
    upload = SimpleUploadedFile("全国各省挂网价格-演示.csv", rows.getvalue().encode("utf-8"), "text/csv")
    batch = services.national_price_import_create(
        user=User.objects.get(username="bureau.supervisor"), uploaded_file=upload
    )
    # With a Celery worker the task would load it after the commit; the demo loads it here (the task,
    # when it runs, finds the batch loaded).
    services.national_price_import_run(batch_id=batch.pk)
