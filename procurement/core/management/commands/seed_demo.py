"""Seed a realistic demo province: ``manage.py seed_demo``.

宁夏回族自治区 with its cities and counties; bureaus at three levels; about 60 medical institutions
of every ownership and level; 21 manufacturers and 5 distributors; hospital groups; an expert
pool; several hundred products of real generic names; a national price feed loaded through the
real import; one login per role, printed at the end. Running it again changes nothing and prints
the logins again.
"""

import csv
import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from listings import services as listing_services
from listings.choices import ListingCategory, ListingStatus
from listings.models import Listing, ListingTransition
from procurement.catalogue import services as catalogue_services
from procurement.catalogue.models import NationalPrice, Product
from procurement.catalogue.pricing import parse_specification
from procurement.catalogue.selectors import national_lowest_map
from procurement.core import jobs
from procurement.core.audit import audit_actor
from procurement.core.demo import medicines, organisations, regions
from procurement.core.money import round_money
from procurement.orders import services as order_services
from procurement.orders.models import DistributorDesignation
from procurement.organisations import services as organisation_services
from procurement.organisations.choices import (
    PROVINCES,
    ExpertSpeciality,
    HospitalGroupKind,
    HospitalOwnership,
    OrganisationKind,
    RegionLevel,
    Role,
)
from procurement.organisations.models import (
    Expert,
    HospitalGroup,
    HospitalGroupMembership,
    Organisation,
    Region,
    User,
)
from procurement.organisations.validators import CREDIT_CODE_CHARS, credit_code_check_char

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - printed for the demo; never a production account

# username, full name, organisation name, roles, superuser
DEMO_USERS = [
    ("admin", "平台管理员", "宁夏回族自治区医疗保障局", [Role.ORG_ADMIN], True),
    ("bureau.reviewer", "马晓东（省医保局审核员）", "宁夏回族自治区医疗保障局", [Role.BUREAU_REVIEWER], False),
    (
        "bureau.supervisor",
        "李文静（省医保局监管员）",
        "宁夏回族自治区医疗保障局",
        [Role.BUREAU_SUPERVISOR, Role.ORG_ADMIN],
        False,
    ),
    ("city.bureau", "王建国（银川市医保局）", "银川市医疗保障局", [Role.BUREAU_SUPERVISOR], False),
    ("county.bureau", "张丽（永宁县医保局）", "永宁县医疗保障局", [Role.BUREAU_SUPERVISOR], False),
    ("hospital.admin", "刘强（医院信息科）", "宁夏医科大学总医院", [Role.ORG_ADMIN], False),
    ("hospital.buyer", "陈红（医院采购员）", "宁夏医科大学总医院", [Role.HOSPITAL_BUYER], False),
    ("hospital.keeper", "赵磊（药库验收员）", "宁夏医科大学总医院", [Role.HOSPITAL_STOREKEEPER], False),
    ("hospital.finance", "孙梅（医院财务）", "宁夏医科大学总医院", [Role.HOSPITAL_FINANCE], False),
    ("county.hospital.buyer", "周杰（县医院采购员）", "永宁县人民医院", [Role.HOSPITAL_BUYER, Role.ORG_ADMIN], False),
    ("maker.clerk", "吴芳（企业申报员）", "北京嘉林药业股份有限公司", [Role.MANUFACTURER_CLERK], False),
    ("maker.admin", "郑伟（企业管理员）", "北京嘉林药业股份有限公司", [Role.ORG_ADMIN, Role.MANUFACTURER_CLERK], False),
    ("distributor.clerk", "黄涛（配送企业）", "国药控股宁夏有限公司", [Role.DISTRIBUTOR_CLERK], False),
]


class Command(BaseCommand):
    help = "Seed a realistic demo province (idempotent) and print one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed for the invented figures")

    def handle(self, *args, **options):
        self.random = random.Random(options["seed"])
        if Organisation.objects.filter(name=f"{regions.PROVINCE[1]}医疗保障局").exists():
            self.stdout.write("The demo province is already seeded.")
        else:
            with audit_actor("command:seed_demo"):
                self.seed()
                # With a Celery worker the import task loads the feed; without one (the embedded demo) here.
                catalogue_services.national_price_import_run(batch_id=self.feed_batch.pk)
                self.stdout.write("Listing products and running the nightly price linkage …")
                self.seed_listings()
                for run in jobs.run_jobs(["national_price_linkage"], triggered_by="seed_demo"):
                    self.stdout.write(f"  {run.name}: {run.status} {run.counts}")
                self.stdout.write("Naming distributors and placing orders …")
                self.seed_orders()
                self.stdout.write("Negotiating, and zoning the agreements of the last 30 nights …")
                self.seed_negotiations()
        self.print_logins()

    # -- organisations -----------------------------------------------------------------------

    def credit_code(self, prefix: str, region_code: str) -> str:
        body = prefix + region_code + "".join(self.random.choice(CREDIT_CODE_CHARS) for _ in range(9))
        return body + credit_code_check_char(body)

    @transaction.atomic
    def seed(self):
        self.stdout.write("Seeding regions and organisations …")
        province = Region.objects.create(code=regions.PROVINCE[0], name=regions.PROVINCE[1], level=RegionLevel.PROVINCE)
        region_by_code = {province.code: province}
        for (city_code, city_name), counties in regions.CITIES.items():
            city = Region.objects.create(code=city_code, name=city_name, level=RegionLevel.CITY, parent=province)
            region_by_code[city_code] = city
            for county_code, county_name in counties:
                region_by_code[county_code] = Region.objects.create(
                    code=county_code, name=county_name, level=RegionLevel.COUNTY, parent=city
                )
        self.region_by_code = region_by_code

        def organisation(name, kind, region_code, prefix, **extra):
            return Organisation.objects.create(
                name=name,
                kind=kind,
                region=region_by_code[region_code],
                credit_code=self.credit_code(prefix, region_code),
                **extra,
            )

        organisation(f"{province.name}医疗保障局", OrganisationKind.BUREAU, province.code, "11")
        for (city_code, city_name), _counties in regions.CITIES.items():
            organisation(f"{city_name}医疗保障局", OrganisationKind.BUREAU, city_code, "11")
        for county_code in organisations.BUREAU_COUNTIES:
            organisation(f"{region_by_code[county_code].name}医疗保障局", OrganisationKind.BUREAU, county_code, "11")
        hospitals = []
        for name, region_code, ownership, level in organisations.HOSPITALS:
            prefix = {"public": "12", "military": "12", "private": "52", "pharmacy": "92"}[ownership]
            hospitals.append(
                organisation(
                    name, OrganisationKind.HOSPITAL, region_code, prefix, ownership=ownership, hospital_level=level
                )
            )
        self.manufacturers = {
            name: organisation(name, OrganisationKind.MANUFACTURER, region_code, "91")
            for name, region_code in organisations.MANUFACTURERS
        }
        for name, region_code in organisations.DISTRIBUTORS:
            organisation(name, OrganisationKind.DISTRIBUTOR, region_code, "91")
        self.seed_groups(hospitals)
        self.seed_experts()
        self.seed_users()
        self.stdout.write("Seeding products …")
        products = self.seed_products()
        self.stdout.write(f"  {len(products)} products")
        self.stdout.write("Loading the national price feed through the import …")
        self.seed_feed(products)

    def seed_groups(self, hospitals):
        by_name = {hospital.name: hospital for hospital in hospitals}
        groups = [
            (
                "银川市第一人民医院医联体",
                HospitalGroupKind.MEDICAL_ALLIANCE,
                "银川市第一人民医院",
                [
                    "银川市第一人民医院",
                    "兴庆区胜利街社区卫生服务中心",
                    "金凤区长城中路街道社区卫生服务中心",
                    "西夏区文昌路街道社区卫生服务中心",
                ],
            ),
            (
                "永宁县县域医共体",
                HospitalGroupKind.MEDICAL_ALLIANCE,
                "永宁县人民医院",
                ["永宁县人民医院", "永宁县望远镇卫生院", "永宁县杨和镇卫生院"],
            ),
            (
                "固原中卫县级医院采购组团",
                HospitalGroupKind.PURCHASING_TEAM,
                "固原市人民医院",
                ["固原市人民医院", "西吉县人民医院", "隆德县人民医院", "中卫市人民医院", "海原县人民医院"],
            ),
        ]
        for name, kind, lead, members in groups:
            group = HospitalGroup.objects.create(name=name, kind=kind, lead=by_name[lead])
            HospitalGroupMembership.objects.bulk_create(
                HospitalGroupMembership(group=group, hospital=by_name[member]) for member in members
            )

    def seed_experts(self):
        for name, speciality, employer, title in organisations.EXPERTS:
            expert = Expert.objects.create(
                name=name,
                speciality=ExpertSpeciality(speciality),
                employer=employer,
                title=title,
                phone=f"139{self.random.randint(10_000_000, 99_999_999)}",
            )
            if employer in self.manufacturers:
                expert.ties.add(self.manufacturers[employer])

    def seed_users(self):
        for username, full_name, organisation_name, roles, superuser in DEMO_USERS:
            user = User(
                username=username,
                full_name=full_name,
                organisation=Organisation.objects.get(name=organisation_name),
                roles=list(roles),
                is_superuser=superuser,
                is_staff=superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        hospital = Organisation.objects.get(name="宁夏医科大学总医院")
        _token, self.his_key = organisation_services.api_token_create(
            actor=User.objects.get(username="hospital.admin"), hospital=hospital, name="演示 HIS"
        )

    # -- products and prices ----------------------------------------------------------------

    def seed_products(self) -> list[tuple[Product, Decimal]]:
        """Products with an indicative pack price each (the base of the invented feed prices)."""
        rng = self.random
        western_makers = [name for name in self.manufacturers if name not in medicines.CHINESE_MEDICINE_MAKERS[:3]]
        products, seen_codes = [], set()
        special = {
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
        catalogue = [("X", entry) for entry in medicines.WESTERN] + [("Z", entry) for entry in medicines.CHINESE_PATENT]
        for generic_index, (letter, entry) in enumerate(catalogue, start=1):
            name, atc, form, route, specs, packs, unit, unit_price, originator = entry
            pool = medicines.CHINESE_MEDICINE_MAKERS if letter == "Z" else western_makers
            makers = rng.sample(
                [maker for maker in pool if not originator or maker != originator[0]],
                k=min(len(pool), rng.randint(1, 3)),
            )
            if originator:
                makers = [originator[0], *makers]
            base_content = parse_specification(specs[0])
            for maker_index, maker_name in enumerate(makers):
                maker = self.manufacturers[maker_name]
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
                            f"{letter}{atc}{generic_index:04d}{form_code(form)}{spec_index:03d}{pack_index:03d}"
                            f"{list(self.manufacturers).index(maker_name) + 1:05d}"
                        )
                        if code in seen_codes:
                            continue
                        seen_codes.add(code)
                        attributes = dict(special.get(name, {}))
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
                            if maker_index == len(makers) - 1 and rng.random() < 0.05
                            else date(2005, 1, 1) + timedelta(days=rng.randint(0, 6500)),
                            **attributes,
                        )
                        product.refresh_search_initials()
                        products.append((product, pack_price))
        Product.objects.bulk_create([product for product, _price in products], batch_size=1000)
        return products

    def seed_feed(self, products):
        rng = self.random
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
        self.feed_batch = catalogue_services.national_price_import_create(
            user=User.objects.get(username="bureau.supervisor"), uploaded_file=upload
        )

    @transaction.atomic
    def seed_listings(self):
        """Most products listed at their compliant price (migrated from the original provincial platform);
        a few above a recent lower national price (open notices), two overdue; a few declarations in review."""
        rng = self.random
        today = timezone.localdate()
        products = list(Product.objects.select_related("manufacturer").order_by("code"))
        lowest = national_lowest_map(product.code for product in products)
        home = {row.product_code: row.price for row in NationalPrice.objects.filter(province=settings.HOME_PROVINCE)}
        maker = Organisation.objects.get(name="北京嘉林药业股份有限公司")
        unlisted = {product.pk for product in products if product.manufacturer_id == maker.pk}
        unlisted = set(rng.sample(sorted(unlisted), k=min(4, len(unlisted))))
        listings, now = [], timezone.now()
        for product in products:
            if product.pk in unlisted or rng.random() < 0.06:
                continue
            candidates = [
                price
                for price in (home.get(product.code), lowest.get(product.code) and lowest[product.code].price)
                if price is not None
            ]
            if not candidates:
                continue
            category = ListingCategory.PREVIOUSLY_LISTED
            if product.is_national_negotiated:
                category, price = ListingCategory.NATIONAL_NEGOTIATED, product.payment_standard
            else:
                price = min(candidates)
            listings.append(
                Listing(
                    product=product,
                    manufacturer=product.manufacturer,
                    category=category,
                    price=price,
                    listed_at=now - timedelta(days=rng.randint(30, 300)),
                    price_since=today - timedelta(days=rng.randint(30, 300)),
                )
            )
        Listing.objects.bulk_create(listings)
        ListingTransition.objects.bulk_create(
            ListingTransition(
                listing=listing,
                to_status=ListingStatus.LISTED,
                price_after=listing.price,
                actor_label="command:seed_demo",
                reason="原省平台入围产品迁移挂网",
            )
            for listing in listings
        )
        # Some listings face a lower price that took effect recently (notices); two long ago (overdue).
        above = rng.sample(
            [
                listing
                for listing in listings
                if listing.category == ListingCategory.PREVIOUSLY_LISTED and listing.product.code in lowest
            ],
            k=min(32, len(listings)),
        )
        for index, listing in enumerate(above):
            low = lowest[listing.product.code]
            Listing.objects.filter(pk=listing.pk).update(price=round_money(low.price * Decimal("1.12")))
            days_ago = 75 if index < 2 else rng.randint(1, 20)
            NationalPrice.objects.filter(product_code=listing.product.code, province=low.province).update(
                effective_date=today - timedelta(days=days_ago)
            )
        # Declarations of the demo manufacturer: one waiting for review, one returned.
        clerk, reviewer = User.objects.get(username="maker.clerk"), User.objects.get(username="bureau.reviewer")
        for index, product in enumerate(Product.objects.filter(pk__in=unlisted).order_by("code")[:2]):
            low = lowest.get(product.code)
            if low is None:
                continue
            declaration = listing_services.declaration_create(
                actor=clerk,
                product=product,
                category=ListingCategory.NOT_PREVIOUSLY_LISTED,
                price=low.price,
                note="新品挂网申报",
                submit=True,
            )
            if index == 1:
                listing_services.declaration_return(
                    actor=reviewer, declaration_id=declaration.pk, reason="请补充药品注册证书和价格证明材料"
                )

    @transaction.atomic
    def seed_orders(self):
        """Distributors named for every listed product; orders of the demo hospital in every state."""
        rng = self.random
        province = Region.objects.get(level=RegionLevel.PROVINCE)
        distributors = list(Organisation.objects.filter(kind=OrganisationKind.DISTRIBUTOR).order_by("name"))
        demo_distributor = Organisation.objects.get(name="国药控股宁夏有限公司")
        listed = list(
            Listing.objects.filter(status=ListingStatus.LISTED).select_related("product").order_by("product__code")
        )
        DistributorDesignation.objects.bulk_create(
            DistributorDesignation(
                manufacturer_id=listing.manufacturer_id,
                product_id=listing.product_id,
                region=province,
                distributor=distributor,
            )
            for listing in listed
            for distributor in {demo_distributor, rng.choice(distributors)}
        )
        buyer = User.objects.get(username="hospital.buyer")
        keeper = User.objects.get(username="hospital.keeper")
        clerk = User.objects.get(username="distributor.clerk")
        for index in range(6):
            chosen = rng.sample(listed, k=3)
            lines = [
                order_services.LineRequest(listing.product.code, rng.randint(5, 60), demo_distributor.pk)
                for listing in chosen
            ]
            order = order_services.order_submit(actor=buyer, lines=lines, note=f"第{index + 1}批临床用药").order
            for line in order.lines.all():
                if index == 0:
                    continue  # waiting for the distributor
                order_services.line_confirm(actor=clerk, line_id=line.pk)
                if index == 1:
                    continue  # confirmed, to ship
                shipment = order_services.shipment_create(
                    actor=clerk,
                    line_id=line.pk,
                    quantity=line.quantity,
                    batch_number=f"{timezone.localdate():%y%m}{rng.randint(1000, 9999)}",
                    production_date=timezone.localdate() - timedelta(days=rng.randint(30, 200)),
                    expiry_date=timezone.localdate() + timedelta(days=rng.randint(400, 900)),
                    inspection_report=SimpleUploadedFile("检验报告.pdf", b"%PDF-1.4 demo inspection report"),
                )
                if index >= 3:
                    order_services.shipment_accept(
                        actor=keeper, shipment_id=shipment.pk, accepted_quantity=line.quantity
                    )

    def seed_negotiations(self):
        """Agreements of the public hospitals made over the last month (zoned night by night, for the
        charts), and open negotiations of the demo hospital: one for the manufacturer, one for the buyer."""
        from negotiation import services as negotiation_services
        from negotiation.choices import Party, ThreadStatus
        from negotiation.jobs import zone_agreements
        from negotiation.models import Agreement, Negotiation, Offer

        rng = self.random
        today = timezone.localdate()
        buyer = User.objects.get(username="hospital.buyer")
        clerk = User.objects.get(username="maker.clerk")
        hospitals = list(
            Organisation.objects.filter(kind=OrganisationKind.HOSPITAL, ownership=HospitalOwnership.PUBLIC).order_by(
                "name"
            )
        )
        negotiable = [
            listing
            for listing in Listing.objects.filter(status=ListingStatus.LISTED)
            .select_related("product")
            .order_by("product__code")
            if not (
                listing.product.is_national_negotiated
                or listing.product.is_designated_production
                or listing.product.is_provincial_reserve
            )
        ]
        demo_maker = [listing for listing in negotiable if listing.manufacturer_id == clerk.organisation_id]
        chosen = rng.sample(negotiable, k=min(40, len(negotiable)))
        for listing in chosen:
            for hospital in rng.sample(hospitals, k=min(len(hospitals), rng.randint(6, 24))):
                price = round_money(listing.price * Decimal(rng.randint(72, 99)) / 100)
                valid_from = today - timedelta(days=rng.randint(0, 30))
                thread = Negotiation.objects.create(
                    hospital=hospital,
                    product=listing.product,
                    manufacturer_id=listing.manufacturer_id,
                    listing_price=listing.price,
                    volume=rng.randint(50, 2000),
                    price=price,
                    turn=Party.HOSPITAL,
                    status=ThreadStatus.AGREED,
                    requested_by=buyer,
                    closed_at=timezone.now(),
                )
                Offer.objects.create(negotiation=thread, party=Party.HOSPITAL, price=price, made_by=buyer)
                Agreement.objects.create(
                    negotiation=thread,
                    hospital=hospital,
                    product=listing.product,
                    manufacturer_id=listing.manufacturer_id,
                    price=price,
                    unit_price=listing.product.unit_price(price),
                    listing_price=listing.price,
                    volume=thread.volume,
                    valid_from=valid_from,
                    valid_until=valid_from + timedelta(days=364),
                )
        for days_ago in range(30, -1, -1):
            zone_agreements(today=today - timedelta(days=days_ago))
        # Open threads of the demo hospital with the demo manufacturer.
        taken = set(Agreement.objects.filter(hospital=buyer.organisation).values_list("product_id", flat=True))
        free = [listing for listing in demo_maker if listing.product_id not in taken][:2]
        for number, listing in enumerate(free):
            thread = negotiation_services.negotiation_request(
                actor=buyer,
                request=negotiation_services.Request(
                    listing.product, round_money(listing.price * Decimal("0.85")), 600, note="年度用量较大，请求降价"
                ),
            )
            if number == 1:
                negotiation_services.offer_counter(
                    actor=clerk,
                    negotiation_id=thread.pk,
                    price=round_money(listing.price * Decimal("0.93")),
                    note="原料成本上涨，可让利7%",
                )

    def print_logins(self):
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _full_name, organisation_name, roles, superuser in DEMO_USERS:
            role = "platform administrator" if superuser else ", ".join(str(Role(r).label) for r in roles)
            self.stdout.write(f"  {username:<24} {organisation_name} · {role}")
        key = getattr(self, "his_key", None)
        if key:
            self.stdout.write(f"HIS API key of 宁夏医科大学总医院 (shown once): {key}")
        else:
            self.stdout.write("HIS API keys: log in as hospital.admin and issue one under “HIS API keys”.")


def form_code(form: str) -> str:
    """Two characters of the dosage form in the demo drug codes."""
    codes = {
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
    return codes.get(form, "Z9")
