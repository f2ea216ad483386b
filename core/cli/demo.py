"""The demo district, modelled on Huyện ủy Kim Bảng (shared/seeds), generated deterministically.

It reproduces the published figures exactly: the district admitted 148 new members in 2023
against a plan of 145 ("đạt 102,1% kế hoạch"); Đảng bộ HĐND & UBND huyện admitted 5 of 5,
with 146 members in 18 chi bộ. Around them it looks like a real district: uneven village
cells, weak enterprises and schools, cells with no admission for years, dossiers bunched
before 03/02, high-school students turning 18 in their last year, and, on the demo day,
clocks that are running out or overdue.

The tree is the one before the 2025 reorganisation (district level still in place).
Everything hangs off one seeded random generator, so two loads give identical databases.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, func, or_, select

from core.access.audit import record_audit
from core.access.scope import Actor
from core.access.users import create_user
from core.config import RuleSettings
from core.format import fmt_date
from core.i18n import t
from core.procedure.dossier import Introduction, PaperKind, valid_until
from core.procedure.pipeline import EventRow, derive_state, route_for
from core.procedure.stages import (
    RECOGNITION_STAGES,
    Education,
    Exit,
    Occupation,
    OrgKind,
    Qualification,
    Record,
    Role,
    Route,
    Sector,
    Stage,
    required_stages,
)
from core.procedure.transfers import transfer_candidate
from core.procedure.workdays import (
    add_months,
    add_working_days,
    add_years,
    full_months_between,
)
from core.storage.models import (
    Candidate,
    DossierPaper,
    Organization,
    StageEvent,
    YearPlan,
    identity_key,
)
from core.storage.versions import bump_data_version
from core.structure import restructure
from core.structure.organizations import add_organization
from core.structure.tree import child_path

SEED = 20240119  # the date of Công văn 141-CV/HU
DEMO_TODAY = date(2026, 11, 20)
YEARS = (2022, 2023, 2024, 2025, 2026)
DEMO_PASSWORD = "KimBang@2024"
RECORDED_BY = "demo"

# The district: plan and admissions (by decision date) per year; 2026 is up to DEMO_TODAY.
DISTRICT_TARGET = {2022: 140, 2023: 145, 2024: 150, 2025: 155, 2026: 150}
DISTRICT_ADMITTED = {2022: 141, 2023: 148, 2024: 153, 2025: 139, 2026: 117}
# Admissions planted by `pipeline` to show a problem (late ceremony, pending recognition,
# removal, transfer); they count toward the district's totals above.
PLANTED_ADMISSIONS = {2025: 5, 2026: 2}
DISTRICT_MEMBERS_2023 = 4850
HDND_MEMBERS_2023 = 146

# Sectors whose chi bộ have a Đoàn organization beside them (as migration 0007 assumes).
YOUTH_UNION_SECTORS = (Sector.RURAL, Sector.URBAN, Sector.SCHOOL, Sector.ARMED_FORCES)
# The papers of an admission dossier besides the certificate and the introductions.
DOSSIER_KINDS = (PaperKind.APPLICATION, PaperKind.BIOGRAPHY, PaperKind.BIOGRAPHY_VERIFICATION,
                 PaperKind.ASSESSMENT_SUMMARY)
PAPER_NUMBER = {PaperKind.BIOGRAPHY_VERIFICATION: "{n:02d}-CV/ĐU", PaperKind.ASSESSMENT_SUMMARY: "{n:02d}/5-KNĐ",
                PaperKind.YOUTH_UNION_RESOLUTION: "{n:02d}-NQ/ĐTN", PaperKind.TRADE_UNION_RESOLUTION: "{n:02d}-NQ/CĐ",
                PaperKind.AWARENESS_CERTIFICATE: "{n:03d}/CN-NTVĐ"}

# A đảng bộ bộ phận between Đảng bộ thị trấn Quế and four of its chi bộ (planted_cases).
SUB_COMMITTEE_PARENT = "KB-QUE"
SUB_COMMITTEE_CODE = "KB-QUE-BP"
SUB_COMMITTEE_NAME = "Đảng bộ bộ phận các tổ dân phố phía Nam"
SUB_COMMITTEE_CELLS = ("KB-QUE-09", "KB-QUE-10", "KB-QUE-11", "KB-QUE-12")
# Founded before the years the demo shows, so the chi bộ under it stood there throughout them.
SUB_COMMITTEE_FOUNDED = date(2021, 1, 1)
REORGANISATION_NOTE = ("Nghị quyết 60-NQ/TW: hợp nhất các tỉnh Hà Nam, Nam Định và Ninh Bình thành tỉnh Ninh Bình; "
                       "không tổ chức cấp huyện từ 01/7/2025")
WARD_DECISION = "01-QĐ/TU"
# A candidate transferred between two chi bộ of Tam Chúc (the former Thanh Sơn), keeping every step.
TRANSFER_COMMUNE = "NB-TAMCHUC"
# The minutes' note of the recognition vote short of two thirds of the members (planted_cases).
FAILED_VOTE_NOTE = ("3 đảng viên vắng mặt, 1 đảng viên tạm chuyển sinh hoạt; "
                    "biểu quyết không đạt 2/3 số đảng viên chính thức")
TRANSFER_DATE = date(2026, 10, 26)

# The chi bộ of the candidate who took the awareness class again (its first certificate expired).
RETAKEN_CELL = "KB-DAICUONG-01"

# Month weights of decision dates: the peak before 03/02, smaller ones before 19/5 and 02/9.
MONTH_WEIGHTS = (22, 6, 5, 7, 12, 6, 6, 11, 6, 6, 7, 6)

# The province above the district, and the reorganisation of 01/7/2025 (Nghị quyết 60-NQ/TW;
# Quy định 294-QĐ/TW: no district level). The database holds the former Kim Bảng only: its
# province's đảng bộ is the root, Tỉnh ủy Hà Nam until 30/6/2025 and, under its new name, Tỉnh ủy
# Ninh Bình from 01/7/2025 (the parts of Nam Định and Ninh Bình are not recorded here).
ROOT_CODE = "NB"
ROOT_NAME_BEFORE = "Tỉnh ủy Hà Nam"
ROOT_NAME = "Tỉnh ủy Ninh Bình"
REORGANISED = date(2025, 7, 1)
# The province's plan for the former district's area in the years the root plans it itself.
ROOT_TARGET = {2025: 155, 2026: 150}
# The new wards (đảng ủy phường, with the powers of the level above the grassroots) formed from
# the district's communes and towns, with the district's units placed under them. A plausible
# model: the wards' names are those reported for the former Kim Bảng, the grouping of the old
# communes into them and the placement of the district's agencies are not verified (README).
WARDS = (
    ("NB-KIMBANG", "Đảng ủy phường Kim Bảng", ("QUE", "THISON"),
     ("KB-HDND", "KB-KHOIDANG", "KB-THPTA", "KB-GDNN", "KB-TTYT", "KB-NUOCSACH", "KB-TMKB")),
    ("NB-TAMCHUC", "Đảng ủy phường Tam Chúc", ("BASAO", "THANHSON", "KHAPHONG", "LIENSON"), ("KB-BUTSON",)),
    ("NB-LEHO", "Đảng ủy phường Lê Hồ", ("LEHO", "DAICUONG", "DONGHOA"), ("KB-MAYHN",)),
    ("NB-NGUYENUY", "Đảng ủy phường Nguyễn Úy", ("NGUYENUY", "TUONGLINH", "TANSON"), ()),
    ("NB-LYTHUONGKIET", "Đảng ủy phường Lý Thường Kiệt", ("NHATTUU", "NHATTAN", "HOANGTAY"), ("KB-THPTB", "KB-THPTLTK")),
    ("NB-KIMTHANH", "Đảng ủy phường Kim Thanh", ("THUYLOI", "NGOCSON", "VANXA"), ("KB-THPTC",)),
)
# The district's units that go under the province itself, with their names from 01/7/2025.
TO_PROVINCE = (
    ("KB-QUANSU", "Đảng bộ Ban Chỉ huy Phòng thủ khu vực Kim Bảng"),
    ("KB-CONGAN", "Đảng bộ Công an tỉnh – khu vực Kim Bảng"),
)
# District agencies renamed when they went under a ward.
RENAMED_IN_WARD = {
    "KB-HDND": "Đảng bộ cơ quan HĐND – UBND phường Kim Bảng",
    "KB-KHOIDANG": "Đảng bộ các cơ quan Đảng, Mặt trận và đoàn thể phường Kim Bảng",
}

DEMO_USERS = (
    ("admin", "Ban Tổ chức Tỉnh ủy", Role.ADMIN, ROOT_CODE),
    ("lanhdao", "Thường trực Tỉnh ủy", Role.LEADER, ROOT_CODE),
    ("trinhchieu", "Màn hình phòng họp", Role.PROJECTOR, ROOT_CODE),
    ("bithu.hdnd", "Bí thư Đảng ủy cơ quan HĐND – UBND phường Kim Bảng", Role.SECRETARY, "KB-HDND"),
    ("bithu.tamchuc", "Bí thư Đảng ủy phường Tam Chúc", Role.SECRETARY, "NB-TAMCHUC"),
)
# The demo's reminders (core.notify): addresses under the reserved .example domain, which no
# mail server delivers to; the meeting-room screen receives nothing.
DEMO_MAIL = {"admin": "weekly", "lanhdao": "weekly", "bithu.hdnd": "daily", "bithu.tamchuc": "daily"}
MAIL_DOMAIN = "ptdv.example"

COMMUNES = (
    # code suffix, name, is town, number of cells, relative size
    ("QUE", "Đảng bộ thị trấn Quế", True, 12, 1.4),
    ("BASAO", "Đảng bộ thị trấn Ba Sao", True, 8, 0.9),
    ("THANHSON", "Đảng bộ xã Thanh Sơn", False, 9, 1.1),
    ("THUYLOI", "Đảng bộ xã Thụy Lôi", False, 7, 0.8),
    ("VANXA", "Đảng bộ xã Văn Xá", False, 7, 0.8),
    ("NGOCSON", "Đảng bộ xã Ngọc Sơn", False, 8, 0.9),
    ("NHATTAN", "Đảng bộ xã Nhật Tân", False, 9, 1.0),
    ("NHATTUU", "Đảng bộ xã Nhật Tựu", False, 10, 1.2),
    ("HOANGTAY", "Đảng bộ xã Hoàng Tây", False, 7, 0.8),
    ("LEHO", "Đảng bộ xã Lê Hồ", False, 10, 1.2),
    ("DAICUONG", "Đảng bộ xã Đại Cương", False, 8, 0.9),
    ("DONGHOA", "Đảng bộ xã Đồng Hóa", False, 8, 0.9),
    ("NGUYENUY", "Đảng bộ xã Nguyễn Úy", False, 9, 1.0),
    ("LIENSON", "Đảng bộ xã Liên Sơn", False, 6, 0.7),
    ("KHAPHONG", "Đảng bộ xã Khả Phong", False, 8, 0.9),
    ("TUONGLINH", "Đảng bộ xã Tượng Lĩnh", False, 9, 1.0),
    ("TANSON", "Đảng bộ xã Tân Sơn", False, 7, 0.8),
    ("THISON", "Đảng bộ xã Thi Sơn", False, 9, 1.1),
)

HDND_CELLS = (
    "Chi bộ Văn phòng HĐND & UBND huyện",
    "Chi bộ Phòng Nội vụ",
    "Chi bộ Phòng Tài chính – Kế hoạch",
    "Chi bộ Phòng NN&PTNT huyện",
    "Chi bộ Phòng Tài nguyên và Môi trường",
    "Chi bộ Phòng Giáo dục và Đào tạo",
    "Chi bộ Phòng Y tế",
    "Chi bộ Phòng Văn hóa và Thông tin",
    "Chi bộ Phòng Tư pháp",
    "Chi bộ Phòng Kinh tế và Hạ tầng",
    "Chi bộ Phòng Lao động – Thương binh và Xã hội",
    "Chi bộ Thanh tra huyện",
    "Chi bộ Trung tâm Văn hóa, Truyền thông và Thể thao huyện",
    "Chi bộ Ban Quản lý dự án đầu tư xây dựng huyện",
    "Chi bộ Trung tâm Phát triển quỹ đất",
    "Chi bộ Văn phòng Đăng ký đất đai",
    "Chi bộ Ban Quản lý các khu du lịch",
    "Chi bộ Đội Quản lý trật tự đô thị",
)

# Direct children of the district other than communes and HĐND & UBND:
# code, name, kind, sector, cells (for a committee), target per year, admitted per year.
OTHER_UNITS = (
    ("KB-KHOIDANG", "Đảng bộ Khối Đảng, Mặt trận và các đoàn thể", OrgKind.GRASSROOTS_COMMITTEE, Sector.ADMINISTRATION,
     ("Chi bộ Văn phòng Huyện ủy", "Chi bộ Ban Tổ chức – Ủy ban Kiểm tra", "Chi bộ Ban Tuyên giáo – Trung tâm Chính trị",
      "Chi bộ Ủy ban MTTQ huyện", "Chi bộ Huyện đoàn – Hội Liên hiệp Phụ nữ"), 3, (3, 3, 2, 3, 2)),
    ("KB-THPTA", "Chi bộ Trường THPT A Kim Bảng", OrgKind.GRASSROOTS_CELL, Sector.SCHOOL, (), 3, (2, 1, 1, 0, 1)),
    ("KB-THPTB", "Chi bộ Trường THPT B Kim Bảng", OrgKind.GRASSROOTS_CELL, Sector.SCHOOL, (), 3, (1, 2, 0, 1, 0)),
    ("KB-THPTC", "Chi bộ Trường THPT C Kim Bảng", OrgKind.GRASSROOTS_CELL, Sector.SCHOOL, (), 2, (1, 0, 0, 0, 0)),
    ("KB-THPTLTK", "Chi bộ Trường THPT Lý Thường Kiệt", OrgKind.GRASSROOTS_CELL, Sector.SCHOOL, (), 2, (0, 1, 1, 0, 0)),
    ("KB-GDNN", "Chi bộ Trung tâm GDNN – GDTX huyện", OrgKind.GRASSROOTS_CELL, Sector.SCHOOL, (), 2, (0, 0, 0, 0, 0)),
    ("KB-TTYT", "Chi bộ Trung tâm Y tế huyện", OrgKind.GRASSROOTS_CELL, Sector.HEALTH, (), 2, (2, 3, 2, 1, 1)),
    ("KB-BUTSON", "Đảng bộ Công ty CP Xi măng Bút Sơn", OrgKind.GRASSROOTS_COMMITTEE, Sector.STATE_ENTERPRISE,
     ("Chi bộ Xưởng Nguyên liệu", "Chi bộ Xưởng Lò nung", "Chi bộ Xưởng Nghiền – Đóng bao", "Chi bộ Phòng Kinh doanh"),
     4, (3, 4, 2, 2, 1)),
    ("KB-NUOCSACH", "Chi bộ Công ty CP Nước sạch Kim Bảng", OrgKind.GRASSROOTS_CELL, Sector.STATE_ENTERPRISE, (), 1,
     (1, 0, 1, 0, 0)),
    ("KB-MAYHN", "Chi bộ Công ty TNHH May Hà Nam", OrgKind.GRASSROOTS_CELL, Sector.PRIVATE_ENTERPRISE, (), 1,
     (0, 0, 0, 0, 0)),
    ("KB-TMKB", "Chi bộ Công ty TNHH Thương mại Kim Bảng", OrgKind.GRASSROOTS_CELL, Sector.PRIVATE_ENTERPRISE, (), 1,
     (1, 0, 0, 1, 0)),
    ("KB-QUANSU", "Đảng bộ Quân sự huyện", OrgKind.GRASSROOTS_COMMITTEE, Sector.ARMED_FORCES,
     ("Chi bộ Cơ quan Ban Chỉ huy", "Chi bộ Trung đội Dân quân cơ động", "Chi bộ Kho – Hậu cần"), 6, (6, 7, 6, 6, 5)),
    ("KB-CONGAN", "Đảng bộ Công an huyện", OrgKind.GRASSROOTS_COMMITTEE, Sector.ARMED_FORCES,
     ("Chi bộ Đội Cảnh sát hình sự", "Chi bộ Đội An ninh", "Chi bộ Đội Cảnh sát giao thông", "Chi bộ Đội Tổng hợp"),
     8, (8, 9, 8, 7, 7)),
)
HDND_TARGET = 5
HDND_ADMITTED = (4, 5, 5, 4, 4)
# The cells that admitted in 2023, among them the two the seed article names
# (Trung tâm Văn hóa, Truyền thông và Thể thao; Phòng NN&PTNT); other years take turns.
HDND_CELLS_2023 = (3, 12, 1, 6, 9)

VILLAGE_FIRST = ("Đồng", "Thanh", "Phú", "An", "Hòa", "Tân", "Yên", "Phúc", "Quang", "Ninh", "Bình", "Lạc",
                 "Trung", "Hạ", "Thượng", "Đông", "Nam", "Bắc", "Văn", "Kim", "Ngọc", "Hồng", "Mỹ", "Thái")
VILLAGE_SECOND = ("Sơn", "Khê", "Lâm", "Thịnh", "Xá", "Phong", "Lũng", "Trì", "Động", "Lộc", "Hưng", "Châu",
                  "Lý", "Thôn", "Đoài", "Thọ", "Bảng", "Hà", "Cầu", "Mai")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Đinh", "Lương", "Trịnh")
MIDDLE_M = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thành", "Tiến")
MIDDLE_F = ("Thị", "Thu", "Ngọc", "Thanh", "Phương", "Minh", "Hồng")
GIVEN_M = ("Anh", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân",
           "Sơn", "Thắng", "Trung", "Tú", "Tuấn", "Việt", "Đạt", "Toàn")
GIVEN_F = ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân",
           "Nhung", "Phương", "Quỳnh", "Thảo", "Trang", "Vân", "Yến", "Huyền")
STOP_REASONS = ("Chuyển đi làm ăn xa", "Chưa đủ điều kiện về lý lịch", "Tự nguyện xin dừng", "Vi phạm chính sách dân số")


@dataclass
class Unit:
    """An organization being built, with what the generator needs to know about it."""

    org: Organization
    members_2023: int = 0
    weight: float = 1.0
    dormant: bool = False  # a cell that admits nobody in the later years
    targets: dict[int, int] = field(default_factory=dict)
    admitted: dict[int, int] = field(default_factory=dict)
    children: list["Unit"] = field(default_factory=list)


class DemoBuilder:
    """Builds the demo district into a session, in one transaction."""

    def __init__(self, session: Session):
        self.session = session
        self.rng = random.Random(SEED)
        # The votes' denominators from a stream of their own: the main stream draws what it always
        # drew, so the district (and the seeds' figures) stays the same.
        self.vote_rng = random.Random(SEED + 2)
        # Recognition's three steps, and the late ones, from a third stream, for the same reason.
        self.recognition_rng = random.Random(SEED + 3)
        self.routes: dict[int, Route] = {}
        # The dossiers' papers, introductions and sponsors' status from a stream of their own,
        # drawn after everything else: the district and the seeds' figures stay the same.
        self.paper_rng = random.Random(SEED + 4)
        self.village_names = self._village_names()
        self.candidates = 0
        self.events = 0

    # ----- the tree -------------------------------------------------------------------
    def _village_names(self) -> list[str]:
        rng = random.Random(SEED + 1)
        names = [f"{a} {b}" for a in VILLAGE_FIRST for b in VILLAGE_SECOND if a != b.split()[0]]
        rng.shuffle(names)
        names.remove("Đồng Sơn")
        return ["Đồng Sơn", *names]

    def _org(self, parent: Organization | None, code: str, name: str, kind: OrgKind, sector: Sector) -> Organization:
        org = Organization(
            code=code, name=name, parent_id=parent.id if parent else None, path="/",
            depth=parent.depth + 1 if parent else 0, kind=kind.value, sector=sector.value,
            has_youth_union=sector in YOUTH_UNION_SECTORS,
        )
        self.session.add(org)
        self.session.flush()
        org.path = child_path(parent.path if parent else None, org.id)
        return org

    def build_tree(self) -> Unit:
        rng = self.rng
        self.province = self._org(None, ROOT_CODE, ROOT_NAME_BEFORE, OrgKind.UPPER_COMMITTEE, Sector.OTHER)
        root = Unit(self._org(self.province, "KB", "Huyện ủy Kim Bảng", OrgKind.UPPER_COMMITTEE, Sector.OTHER))
        villages = iter(self.village_names)
        for suffix, name, town, n_cells, size in COMMUNES:
            commune = Unit(self._org(root.org, f"KB-{suffix}", name, OrgKind.GRASSROOTS_COMMITTEE,
                                     Sector.URBAN if town else Sector.RURAL), weight=size)
            for i in range(n_cells):
                cell_name = f"Chi bộ tổ dân phố số {i + 1}" if town else f"Chi bộ thôn {next(villages)}"
                cell = Unit(
                    self._org(commune.org, f"KB-{suffix}-{i + 1:02d}", cell_name, OrgKind.CELL,
                              Sector.URBAN if town else Sector.RURAL),
                    members_2023=rng.randint(14, 48), weight=rng.choice((0.4, 0.7, 1.0, 1.0, 1.3, 1.8)),
                )
                commune.children.append(cell)
            school = Unit(
                self._org(commune.org, f"KB-{suffix}-TH", f"Chi bộ Trường Tiểu học – THCS {name.split(' ', 3)[-1]}",
                          OrgKind.CELL, Sector.SCHOOL),
                members_2023=rng.randint(10, 22), weight=0.3,
            )
            commune.children.append(school)
            root.children.append(commune)
        # Some village cells go quiet: the "uneven results" the district complains of.
        village_cells = [c for commune in root.children for c in commune.children if c.org.sector != Sector.SCHOOL]
        for cell in rng.sample(village_cells, 9):
            cell.dormant = True

        hdnd = Unit(self._org(root.org, "KB-HDND", "Đảng bộ HĐND & UBND huyện", OrgKind.GRASSROOTS_COMMITTEE,
                              Sector.ADMINISTRATION))
        members = self._split(HDND_MEMBERS_2023, [rng.uniform(0.6, 1.6) for _ in HDND_CELLS], minimum=4)
        for i, (cell_name, m) in enumerate(zip(HDND_CELLS, members)):
            hdnd.children.append(Unit(self._org(hdnd.org, f"KB-HDND-{i + 1:02d}", cell_name, OrgKind.CELL,
                                                Sector.ADMINISTRATION), members_2023=m))
        for y, n in zip(YEARS, HDND_ADMITTED):
            hdnd.targets[y], hdnd.admitted[y] = HDND_TARGET, n
        root.children.append(hdnd)

        for code, name, kind, sector, cells, target, admitted in OTHER_UNITS:
            unit = Unit(self._org(root.org, code, name, kind, sector))
            for i, cell_name in enumerate(cells):
                unit.children.append(Unit(self._org(unit.org, f"{code}-{i + 1:02d}", cell_name, OrgKind.CELL, sector),
                                          members_2023=rng.randint(8, 30)))
            if not cells:
                unit.members_2023 = rng.randint(9, 35)
            for y, n in zip(YEARS, admitted):
                unit.targets[y], unit.admitted[y] = target, n
            root.children.append(unit)
        return root

    # ----- plans and admissions per organization ------------------------------------------
    @staticmethod
    def _split(total: int, weights: list[float], minimum: int = 0) -> list[int]:
        """Split a whole number by weights (largest remainder), each part at least `minimum`."""
        if not weights:
            return []
        if sum(weights) <= 0:
            weights = [1.0] * len(weights)
        base = [minimum] * len(weights)
        rest = total - minimum * len(weights)
        shares = [rest * w / sum(weights) for w in weights]
        parts = [int(s) for s in shares]
        order = sorted(range(len(weights)), key=lambda i: shares[i] - parts[i], reverse=True)
        for i in order[: rest - sum(parts)]:
            parts[i] += 1
        return [b + p for b, p in zip(base, parts)]

    def plan_years(self, root: Unit) -> None:
        rng = self.rng
        communes = [u for u in root.children if u.org.sector in (Sector.RURAL, Sector.URBAN)]
        fixed = [u for u in root.children if u not in communes]
        for y in YEARS:
            fixed_target = sum(u.targets[y] for u in fixed)
            fixed_admitted = sum(u.admitted[y] for u in fixed)
            # Children's targets: above the district's plan most years; short of it in 2025.
            children_target = DISTRICT_TARGET[y] + (-3 if y == 2025 else 2)
            targets = self._split(children_target - fixed_target, [c.weight for c in communes])
            perf = [rng.uniform(0.75, 1.25) for _ in communes]
            wanted = DISTRICT_ADMITTED[y] - fixed_admitted - PLANTED_ADMISSIONS.get(y, 0)
            admitted = self._split(wanted, [t * p for t, p in zip(targets, perf)])
            for commune, target, n in zip(communes, targets, admitted):
                commune.targets[y], commune.admitted[y] = target, n
            root.targets[y] = DISTRICT_TARGET[y]
            root.admitted[y] = DISTRICT_ADMITTED[y]
            for unit in root.children:
                self._plan_cells(unit, y)

    def _plan_cells(self, unit: Unit, y: int) -> None:
        """Spread a grassroots committee's target and admissions over its cells."""
        if not unit.children:
            return
        rng = self.rng
        cells = unit.children
        target_weights = [c.weight * rng.uniform(0.5, 1.5) for c in cells]
        targets = self._split(unit.targets[y], target_weights)
        late = y >= 2024
        admit_weights = [0.0 if (c.dormant and late) else c.weight * rng.uniform(0.3, 1.7) for c in cells]
        if unit.org.code == "KB-HDND":
            # Steady and even: five cells take turns, each with a target of one.
            on_turn = list(HDND_CELLS_2023) if y == 2023 else [
                i for i in range(len(cells)) if (i + 5 * y) % len(cells) < HDND_TARGET
            ]
            targets = [1 if i in on_turn else 0 for i in range(len(cells))]
            admitted = [0] * len(cells)
            for k in range(unit.admitted[y]):
                admitted[on_turn[k % len(on_turn)]] += 1
        else:
            admitted = self._split(unit.admitted[y], admit_weights)
        for cell, target, n in zip(cells, targets, admitted):
            cell.targets[y], cell.admitted[y] = target, n

    def write_plans(self, root: Unit) -> None:
        """Year plans for every organization; members grow with admissions, less attrition."""
        all_units = list(_walk(root))
        leaves = [u for u in all_units if not u.children]
        members = {u.org.id: u.members_2023 for u in leaves}
        # Scale the leaves so the district starts 2023 with exactly DISTRICT_MEMBERS_2023.
        non_hdnd = [u for u in leaves if not u.org.code.startswith("KB-HDND-")]
        fixed = sum(members[u.org.id] for u in leaves if u.org.code.startswith("KB-HDND-"))
        scaled = self._split(DISTRICT_MEMBERS_2023 - fixed, [members[u.org.id] for u in non_hdnd], minimum=3)
        for u, m in zip(non_hdnd, scaled):
            members[u.org.id] = m
        by_year = {2023: dict(members)}
        for y in (2024, 2025, 2026):
            by_year[y] = {k: v + self._admitted_leaf(all_units, k, y - 1) - round(v * 0.012) for k, v in by_year[y - 1].items()}
        by_year[2022] = {k: max(3, v - self._admitted_leaf(all_units, k, 2022) + round(v * 0.012)) for k, v in members.items()}
        for unit in all_units:
            for y in YEARS:
                leaf_ids = [u.org.id for u in _walk(unit) if not u.children]
                self.session.add(YearPlan(organization_id=unit.org.id, year=y, target=unit.targets.get(y, 0),
                                          members_start=sum(by_year[y][i] for i in leaf_ids)))

    @staticmethod
    def _admitted_leaf(units: list[Unit], org_id: int, y: int) -> int:
        return next(u.admitted.get(y, 0) for u in units if u.org.id == org_id)

    # ----- candidates --------------------------------------------------------------------
    def _name(self, female: bool) -> str:
        rng = self.rng
        middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
        given = rng.choice(GIVEN_F if female else GIVEN_M)
        return f"{rng.choice(FAMILY)} {middle} {given}"

    def _person(self, org: Organization, vote: date) -> dict:
        """Personal fields fitting the organization's sector, eligible at the vote date."""
        rng = self.rng
        sector = org.sector
        if sector == Sector.SCHOOL and org.kind == OrgKind.GRASSROOTS_CELL and org.code.startswith("KB-THPT"):
            birth = add_years(vote, -18) - timedelta(days=rng.randint(10, 300))
            occupation, qualification, education = Occupation.HIGH_SCHOOL_STUDENT, Qualification.NONE, Education.LOWER_SECONDARY
        elif sector == Sector.SCHOOL:
            birth = add_years(vote, -rng.randint(24, 36)) - timedelta(days=rng.randint(0, 360))
            occupation, qualification, education = Occupation.TEACHER, rng.choice((Qualification.UNIVERSITY, Qualification.COLLEGE)), Education.UPPER_SECONDARY
        elif sector == Sector.ARMED_FORCES:
            birth = add_years(vote, -rng.randint(20, 27)) - timedelta(days=rng.randint(0, 360))
            occupation, qualification, education = Occupation.ARMED_FORCES, rng.choice((Qualification.INTERMEDIATE, Qualification.UNIVERSITY, Qualification.NONE)), Education.UPPER_SECONDARY
        elif sector in (Sector.ADMINISTRATION, Sector.HEALTH):
            birth = add_years(vote, -rng.randint(24, 40)) - timedelta(days=rng.randint(0, 360))
            occupation = Occupation.HEALTH_WORKER if sector == Sector.HEALTH else Occupation.CIVIL_SERVANT
            qualification, education = rng.choice((Qualification.UNIVERSITY, Qualification.UNIVERSITY, Qualification.POSTGRADUATE, Qualification.COLLEGE)), Education.UPPER_SECONDARY
        elif sector in (Sector.STATE_ENTERPRISE, Sector.PRIVATE_ENTERPRISE):
            birth = add_years(vote, -rng.randint(22, 40)) - timedelta(days=rng.randint(0, 360))
            occupation = Occupation.WORKER if sector == Sector.STATE_ENTERPRISE else Occupation.PRIVATE_ENTERPRISE
            qualification, education = rng.choice((Qualification.ELEMENTARY, Qualification.INTERMEDIATE, Qualification.COLLEGE, Qualification.UNIVERSITY)), Education.UPPER_SECONDARY
        else:
            birth = add_years(vote, -rng.randint(19, 48)) - timedelta(days=rng.randint(0, 360))
            occupation = rng.choice((Occupation.FARMER, Occupation.FARMER, Occupation.WORKER, Occupation.FREELANCE,
                                     Occupation.PRIVATE_ENTERPRISE, Occupation.UNIVERSITY_STUDENT))
            qualification = rng.choice((Qualification.NONE, Qualification.NONE, Qualification.ELEMENTARY, Qualification.INTERMEDIATE,
                                        Qualification.COLLEGE, Qualification.UNIVERSITY))
            education = rng.choice((Education.UPPER_SECONDARY, Education.UPPER_SECONDARY, Education.LOWER_SECONDARY))
        female = rng.random() < (0.55 if sector in (Sector.SCHOOL, Sector.HEALTH) else 0.12 if sector == Sector.ARMED_FORCES else 0.42)
        minority = sector in (Sector.RURAL, Sector.URBAN) and org.code.startswith(("KB-BASAO", "KB-THANHSON")) and rng.random() < 0.25
        age = full_months_between(birth, vote) // 12
        youth = age < 30 and rng.random() < 0.8
        return dict(
            full_name=self._name(female), birth_date=birth, female=female,
            ethnicity="Mường" if minority else "Kinh", ethnic_minority=minority,
            religion="Công giáo" if rng.random() < 0.07 else ("Phật giáo" if rng.random() < 0.03 else ""),
            general_education=education.value, qualification=qualification.value, occupation=occupation.value,
            youth_union_member=youth,
            village_head=sector == Sector.RURAL and age >= 30 and rng.random() < 0.12,
            helper_name=self._name(rng.random() < 0.4),
        )

    def _sponsors(self, person: dict, vote: date) -> dict:
        rng = self.rng
        since1 = add_months(vote, -rng.randint(14, 60))
        if person["youth_union_member"] and rng.random() < 0.35:
            # The Đoàn resolution comes just before the chi bộ vote; none yet when the vote is ahead.
            resolution = vote - timedelta(days=rng.randint(5, 30))
            return dict(sponsor1_name=person["helper_name"], sponsor1_since=since1,
                        youth_union_resolution_date=resolution if resolution <= DEMO_TODAY else None)
        return dict(sponsor1_name=person["helper_name"], sponsor1_since=since1,
                    sponsor2_name=self._name(rng.random() < 0.4), sponsor2_since=add_months(vote, -rng.randint(13, 48)))

    def _decision_date(self, y: int) -> date:
        rng = self.rng
        last = date(y, 12, 31) if y < DEMO_TODAY.year else DEMO_TODAY - timedelta(days=20)
        months = [m for m in range(1, 13) if date(y, m, 1) <= last]
        month = rng.choices(months, weights=[MONTH_WEIGHTS[m - 1] for m in months])[0]
        if month == 1:
            day = date(y, 1, rng.randint(4, 30))  # dossiers ready for 03/02
        elif month == 5:
            day = date(y, 5, rng.randint(2, 18))
        elif month == 8:
            day = date(y, 8, rng.randint(5, 29))
        else:
            day = date(y, month, rng.randint(1, 28))
        return min(day, last)

    def _history(self, org: Organization, *, decision: date | None = None, stage: Stage | None = None,
                 stage_date: date | None = None) -> dict[Stage, date]:
        """Stage dates, in order, ending at a decision date (admitted) or at a given stage."""
        rng = self.rng
        order = required_stages(self._route(org))
        gaps = {  # days spent before entering each stage
            Stage.OUTSTANDING: (60, 300), Stage.CLASS_DONE: (30, 150), Stage.DOSSIER: (20, 120),
            Stage.BRANCH_RESOLUTION: (10, 45), Stage.SUB_COMMITTEE_APPRAISAL: (5, 15), Stage.COMMITTEE_RESOLUTION: (7, 25),
            Stage.DECISION: (10, 35),
        }
        last = Stage.DECISION if decision else stage
        end = decision or stage_date
        stages = order[: order.index(last) + 1]
        dates: dict[Stage, date] = {last: end}
        for prev, nxt in zip(reversed(stages[:-1]), reversed(stages[1:])):
            dates[prev] = dates[nxt] - timedelta(days=rng.randint(*gaps[nxt]))
        if decision:
            ceremony = add_working_days(decision, rng.randint(5, 25))
            if ceremony <= DEMO_TODAY:
                dates[Stage.ADMITTED] = ceremony
                probation_end = add_months(ceremony, 12)
                recognised = probation_end + timedelta(days=rng.randint(10, 40))
                if recognised <= DEMO_TODAY and rng.random() < 0.93:
                    self._recognise(org, dates, recognised)
        return dates

    def _route(self, org: Organization) -> Route:
        if org.id not in self.routes:
            self.routes[org.id] = route_for(self.session, org)
        return self.routes[org.id]

    def _recognise(self, org: Organization, dates: dict[Stage, date], decided: date) -> None:
        """The recognition's steps between the end of the probation and the official decision
        of `decided`: the chi bộ's resolution, then the committee's where the route has one."""
        rng = self.recognition_rng
        probation_end = add_months(dates[Stage.ADMITTED], 12)
        span = max((decided - probation_end).days, 2)
        dates[Stage.RECOGNITION_BRANCH] = probation_end + timedelta(days=rng.randint(1, span // 2))
        if self._route(org).committee:
            room = max((decided - dates[Stage.RECOGNITION_BRANCH]).days, 0)
            dates[Stage.RECOGNITION_COMMITTEE] = dates[Stage.RECOGNITION_BRANCH] + timedelta(days=rng.randint(0, room))
        dates[Stage.OFFICIAL] = decided

    def _recognise_late(self, org: Organization, dates: dict[Stage, date]) -> bool:
        """A probationary member whose recognition was left behind: decided months after the
        probation ended (its effect still from that end); False when that is still to come."""
        admitted = dates.get(Stage.ADMITTED)
        if admitted is None or Stage.OFFICIAL in dates:
            return False
        probation_end = add_months(admitted, 12)
        decided = probation_end + timedelta(days=self.recognition_rng.randint(60, 420))
        if decided > DEMO_TODAY:
            return False
        self._recognise(org, dates, decided)
        return True

    @staticmethod
    def _unrecognised(dates: dict[Stage, date]) -> dict[Stage, date]:
        """The stage dates without the recognition: a probationary member still waiting."""
        for stage in (*RECOGNITION_STAGES, Stage.OFFICIAL):
            dates.pop(stage, None)
        return dates

    def _add(self, org: Organization, dates: dict[Stage, date], *, person: dict | None = None,
             exit_: tuple[Exit, date, str] | None = None, overrides: dict | None = None,
             recognise_late: bool = True) -> None:
        vote = dates.get(Stage.BRANCH_RESOLUTION) or max(dates.values()) + timedelta(days=120)
        person = person or self._person(org, vote)
        fields = {**person, **self._sponsors(person, vote), **(overrides or {})}
        admitted = dates.get(Stage.ADMITTED)
        if admitted and (Stage.OFFICIAL in dates or self.rng.random() < 0.85):
            class_date = add_months(admitted, self.rng.randint(1, 5))
            if class_date <= DEMO_TODAY:
                fields["new_member_class_date"] = class_date
        late = recognise_late and exit_ is None and self._recognise_late(org, dates)
        if Stage.OFFICIAL in dates and not fields.get("new_member_class_date"):
            fields["new_member_class_date"] = add_months(admitted, 2)
        candidate = Candidate(organization_id=org.id, org_path=org.path,
                              identity_key=identity_key(fields["full_name"], fields["birth_date"]), **fields)
        self.session.add(candidate)
        self.session.flush()
        events = []
        recognition = {*RECOGNITION_STAGES, *([Stage.OFFICIAL] if late else [])}  # drawn from their own stream
        home = _home_after_reorganisation(org.code)
        for stage, when in sorted(dates.items(), key=lambda kv: (kv[1], list(Stage).index(kv[0]))):
            if stage in recognition:
                votes, number = self._recognition_votes(stage), self._recognition_number(stage)
            else:
                votes = self._votes(stage)  # before the document number: the order the random draws were always made in
                number = self._doc_number(stage)
            if when >= REORGANISED and home is not None:
                # From 01/7/2025 the new bodies act: a đảng ủy phường decides for its chi bộ with
                # no đảng ủy xã between them, and numbers its decisions "-QĐ/ĐU"; the province's
                # own units' decisions are the Tỉnh ủy's ("-QĐ/TU"). The draws above are made all
                # the same, so what comes after stays as it was.
                if home == "commune" and stage in (Stage.COMMITTEE_RESOLUTION, Stage.RECOGNITION_COMMITTEE):
                    continue
                if stage in (Stage.DECISION, Stage.OFFICIAL):
                    number = number.replace("/HU", "/TU" if home == "province" else "/ĐU")
            effective = add_months(dates[Stage.ADMITTED], 12) if stage is Stage.OFFICIAL else None
            events.append(StageEvent(candidate_id=candidate.id, stage=stage.value, event_date=when,
                                     document_number=number, effective_date=effective, recorded_by=RECORDED_BY,
                                     **votes))
        if exit_:
            kind, when, reason = exit_
            events.append(StageEvent(candidate_id=candidate.id, stage=kind.value, event_date=when, note=reason,
                                     recorded_by=RECORDED_BY))
        self.session.add_all(events)
        self.session.flush()
        state = derive_state(EventRow.of(e) for e in events)
        for column, value in state.items():
            setattr(candidate, column, value)
        self.candidates += 1
        self.events += len(events)

    def _doc_number(self, stage: Stage) -> str:
        n = self.rng.randint(1, 250)
        return {
            Stage.CLASS_DONE: f"{n:03d}/CN-NTVĐ", Stage.BRANCH_RESOLUTION: f"{n:02d}-NQ/CB",
            Stage.COMMITTEE_RESOLUTION: f"{n:02d}-NQ/ĐU", Stage.DECISION: f"{n:03d}-QĐ/HU",
        }.get(stage, "")

    def _recognition_number(self, stage: Stage) -> str:
        n = self.recognition_rng.randint(1, 250)
        return {Stage.RECOGNITION_BRANCH: f"{n:02d}-NQ/CB", Stage.RECOGNITION_COMMITTEE: f"{n:02d}-NQ/ĐU",
                Stage.OFFICIAL: f"{n:03d}-QĐ/HU"}[stage]

    def _recognition_votes(self, stage: Stage) -> dict[str, int]:
        """A recognition resolution's figures: two thirds of the official members (of the
        committee's members) in favour, as at admission."""
        if stage not in RECOGNITION_STAGES:
            return {}
        rng = self.recognition_rng
        members = rng.randint(9, 40) if stage is Stage.RECOGNITION_BRANCH else rng.randint(7, 15)
        excused = rng.randint(0, 2) if stage is Stage.RECOGNITION_BRANCH else 0
        eligible = members - excused
        needed = -(-2 * eligible // 3)
        present = max(needed, eligible - rng.randint(0, eligible // 5))
        votes_for = rng.randint(needed, present)
        return {"votes_for": votes_for, "votes_total": present, "members_total": members, "members_excused": excused,
                "votes_against": present - votes_for}

    def _votes(self, stage: Stage) -> dict[str, int]:
        """A resolution's figures as its minutes would have them: those present and in favour,
        and the denominator, larger than those present (some absent; in a chi bộ, some on
        temporary transfer or exempted), still with the two thirds of it in favour."""
        if stage not in (Stage.BRANCH_RESOLUTION, Stage.COMMITTEE_RESOLUTION):
            return {}
        present = self.rng.randint(9, 40)
        votes_for = present - self.rng.randint(0, present // 4)
        if stage is Stage.COMMITTEE_RESOLUTION:
            # A đảng ủy cơ sở has 7 to 15 members, not a chi bộ's numbers: drawn from the votes'
            # own stream (the main stream's two draws above are kept, so the district stays the same).
            members = self.vote_rng.randint(7, 15)
            present = members - self.vote_rng.randint(1, 2)
            votes_for = self.vote_rng.randint(-(-2 * members // 3), present)
            return {"votes_for": votes_for, "votes_total": present, "members_total": members, "members_excused": 0}
        eligible = self.vote_rng.randint(present + 1, votes_for * 3 // 2)  # votes_for ≥ 3/4 of present
        excused = self.vote_rng.randint(0, 2)
        return {"votes_for": votes_for, "votes_total": present, "members_total": eligible + excused,
                "members_excused": excused}

    def admissions(self, root: Unit) -> None:
        """One candidate per admission planned, with a full history ending at the decision."""
        for unit in _walk(root):
            if unit.children:
                continue
            for y in YEARS:
                for _ in range(unit.admitted.get(y, 0)):
                    self._add(unit.org, self._history(unit.org, decision=self._decision_date(y)))

    def pipeline(self, root: Unit) -> None:
        """Candidates still on the way on the demo day, a few stopped, and the planted problems."""
        rng = self.rng
        leaves = [u for u in _walk(root) if not u.children]
        cells_with_source = [u for u in leaves if not u.dormant and u.org.code not in ("KB-MAYHN", "KB-GDNN")]
        for unit in cells_with_source:
            n = rng.choices((0, 1, 2, 3, 4), weights=(2, 3, 3, 2, 1))[0] if unit.org.sector != Sector.SCHOOL else 1
            for _ in range(n):
                stage = rng.choices(
                    (Stage.SOURCE, Stage.OUTSTANDING, Stage.CLASS_DONE, Stage.DOSSIER, Stage.BRANCH_RESOLUTION),
                    weights=(36, 26, 18, 12, 8))[0]
                days_ago = rng.randint(5, 60) if stage is Stage.BRANCH_RESOLUTION else rng.randint(5, 170)
                self._add(unit.org, self._history(unit.org, stage=stage, stage_date=DEMO_TODAY - timedelta(days=days_ago)))

        # Stopped along the way, a few each year.
        for y in YEARS:
            for unit in rng.sample(cells_with_source, 4):
                when = date(y, rng.randint(2, 11), rng.randint(1, 28))
                if when > DEMO_TODAY:
                    continue
                stage = rng.choice((Stage.SOURCE, Stage.OUTSTANDING, Stage.CLASS_DONE))
                dates = self._history(unit.org, stage=stage, stage_date=when - timedelta(days=rng.randint(30, 200)))
                self._add(unit.org, dates, exit_=(Exit.STOPPED, when, rng.choice(STOP_REASONS)))

        villages = [u for u in cells_with_source if u.org.sector == Sector.RURAL]
        # Resolutions waiting too long for the district's decision (60 working days).
        for unit in rng.sample(villages, 5):
            self._add(unit.org, self._history(unit.org, stage=Stage.BRANCH_RESOLUTION,
                                              stage_date=DEMO_TODAY - timedelta(days=rng.randint(95, 150))))
        # Decisions whose ceremony is late (30 working days).
        for unit in rng.sample(villages, 2):
            dates = self._history(unit.org, decision=DEMO_TODAY - timedelta(days=rng.randint(60, 80)))
            dates.pop(Stage.ADMITTED, None)
            self._add(unit.org, self._unrecognised(dates))
        # Probation over in 2025, recognition still pending: the review is overdue.
        for unit in rng.sample(villages, 3):
            decision = date(2025, rng.randint(3, 8), rng.randint(1, 28))
            dates = self._history(unit.org, decision=decision)
            self._add(unit.org, self._unrecognised(dates), recognise_late=False)
        # Awareness certificates about to pass 60 months before the vote.
        for unit in rng.sample(villages, 2):
            dates = self._history(unit.org, stage=Stage.CLASS_DONE,
                                  stage_date=add_months(DEMO_TODAY, -60) + timedelta(days=rng.randint(5, 25)))
            self._add(unit.org, dates)
        # Sources listed long ago and never moved on.
        for unit in rng.sample(villages, 6):
            self._add(unit.org, self._history(unit.org, stage=Stage.SOURCE,
                                              stage_date=DEMO_TODAY - timedelta(days=rng.randint(200, 420))))
        # A candidate approaching 60, waiting for the vote.
        unit = villages[0]
        dates = self._history(unit.org, stage=Stage.DOSSIER, stage_date=DEMO_TODAY - timedelta(days=20))
        person = self._person(unit.org, DEMO_TODAY)
        person["birth_date"] = add_years(DEMO_TODAY, -60) + timedelta(days=75)
        person["youth_union_member"] = False
        self._add(unit.org, dates, person=person)
        # A probationary member removed, and one who moved away.
        for unit, exit_ in ((villages[1], Exit.REMOVED), (villages[2], Exit.TRANSFERRED)):
            dates = self._unrecognised(self._history(unit.org, decision=date(2025, 1, rng.randint(5, 25))))
            reason = "Vi phạm tư cách đảng viên trong thời gian dự bị" if exit_ is Exit.REMOVED else "Chuyển sinh hoạt đảng đi tỉnh Ninh Bình"
            self._add(unit.org, dates, exit_=(exit_, add_months(dates[Stage.ADMITTED], 9), reason))

        # High-school students: grade 12 (born 2008) turn 18 during their last school year,
        # those born in December just before 03/02; grade 11 (born 2009) are the next source.
        for code in ("KB-THPTA", "KB-THPTB", "KB-THPTC", "KB-THPTLTK"):
            org = next(u.org for u in leaves if u.org.code == code)
            births = (date(2008, rng.randint(1, 11), rng.randint(1, 28)), date(2008, 12, rng.randint(1, 28)),
                      date(2009, rng.randint(1, 12), rng.randint(1, 28)))
            for birth in births:
                stage = rng.choice((Stage.SOURCE, Stage.OUTSTANDING, Stage.CLASS_DONE)) if birth.year == 2008 else Stage.SOURCE
                dates = self._history(org, stage=stage, stage_date=DEMO_TODAY - timedelta(days=rng.randint(10, 70)))
                person = self._person(org, DEMO_TODAY)
                person["birth_date"] = birth
                self._add(org, dates, person=person)

    # ----- the dossiers' papers ---------------------------------------------------------
    def dossiers(self, root: Unit) -> None:
        """The introduction route and the sponsors' status of every candidate, and the papers of
        those still on the way: complete for those past the chi bộ's vote, most complete at the
        dossier step (some lacking a paper or two, so the checklist has work), an application
        at the class step. Three planted cases: a Công đoàn route in an enterprise chi bộ and a
        replacement sponsor the chi bộ assigned (on candidates already at the dossier step), and
        an expired certificate replaced by taking the class again (one candidate more). Drawn
        from `paper_rng`, after the rest of the district; the one candidate more from the main
        stream, at its very end."""
        leaves = {u.org.code: u.org for u in _walk(root) if not u.children}
        retaken = self._retaken(leaves[RETAKEN_CELL])
        rng = self.paper_rng
        rows = self.session.exec(select(Candidate, Organization)
                                 .join(Organization, Organization.id == Candidate.organization_id)
                                 .order_by(Candidate.id)).all()
        for candidate, org in rows:
            candidate.sponsor1_official = True if candidate.sponsor1_name else None
            candidate.sponsor2_official = True if candidate.sponsor2_name else None
            if candidate.id != retaken:
                self._introduce(candidate, org, rng)
        open_dossiers = [(c, o) for c, o in rows if c.exit is None and c.stage == Stage.DOSSIER.value]
        union = next(c for c, o in open_dossiers if o.sector in (Sector.STATE_ENTERPRISE, Sector.PRIVATE_ENTERPRISE))
        union.introduction_route, union.trade_union_member = Introduction.TRADE_UNION.value, True
        union.sponsor2_name, union.sponsor2_since, union.sponsor2_official = "", None, None
        replaced = next(c for c, o in open_dossiers if o.sector == Sector.RURAL and c.sponsor2_name
                        and c.introduction_route == Introduction.TWO_MEMBERS.value)
        # The second sponsor moved away; the chi bộ assigned another, with the candidate for two months only.
        assigned = add_months(replaced.dossier_date, -2)
        replaced.sponsor2_since = assigned
        replaced.sponsor2_replacement_decision = f"14-NQ/CB ngày {fmt_date(assigned)}"
        for candidate, _org in rows:
            if candidate.exit is None and candidate.decision_date is None:
                complete = (candidate.branch_resolution_date is not None or candidate.id in (retaken, union.id, replaced.id)
                            or rng.random() < 0.8)
                self._papers(candidate, rng, complete=complete)

    def _retaken(self, org: Organization) -> int:
        """A candidate whose first awareness class (15/10/2020) ran out on 15/10/2025, who took
        the class again in 09/2026 and is at the dossier step: its id."""
        since = date(2024, 1, 8)
        self._add(org, {Stage.SOURCE: date(2019, 9, 2), Stage.OUTSTANDING: date(2020, 3, 2),
                        Stage.CLASS_DONE: date(2020, 10, 15), Stage.DOSSIER: DEMO_TODAY - timedelta(days=18)},
                  overrides=dict(introduction_route=Introduction.TWO_MEMBERS.value, youth_union_member=False,
                                 youth_union_resolution_date=None, birth_date=date(1988, 4, 12), sponsor1_since=since,
                                 sponsor2_name=self._name(True), sponsor2_since=since))
        candidate_id = self.session.exec(select(func.max(Candidate.id))).one()
        self.session.add(DossierPaper(candidate_id=candidate_id, kind=PaperKind.AWARENESS_CERTIFICATE,
                                      document_number="214/CN-NTVĐ", issue_date=date(2026, 9, 25),
                                      valid_until=valid_until(PaperKind.AWARENESS_CERTIFICATE, date(2026, 9, 25),
                                                              RuleSettings()),
                                      note="Học lại lớp bồi dưỡng nhận thức về Đảng: giấy chứng nhận cũ (15/10/2020) đã hết hạn",
                                      recorded_by=RECORDED_BY))
        return candidate_id

    def _introduce(self, candidate: Candidate, org: Organization, rng: random.Random) -> None:
        """Where the chi bộ has a Đoàn, a candidate of youth age at the vote came through the
        Đoàn (Điều lệ Điều 4): a Đoàn member with its resolution before the vote. Before the
        vote, one with the Đoàn's resolution is on the Đoàn route; the others' route is left
        unsaid (inferred), so the to-do shows those who still need the Đoàn's resolution."""
        vote = candidate.branch_resolution_date
        young = full_months_between(candidate.birth_date, vote or DEMO_TODAY) < 12 * 31
        if vote is not None and org.has_youth_union and young:
            candidate.youth_union_member = True
            if candidate.youth_union_resolution_date is None:
                candidate.youth_union_resolution_date = vote - timedelta(days=rng.randint(5, 30))
            candidate.introduction_route = Introduction.YOUTH_UNION.value
        elif candidate.youth_union_resolution_date is not None and young:
            candidate.introduction_route = Introduction.YOUTH_UNION.value
        elif vote is not None or not (org.has_youth_union and young):
            candidate.introduction_route = Introduction.TWO_MEMBERS.value

    def _papers(self, candidate: Candidate, rng: random.Random, *, complete: bool) -> None:
        """The papers of a candidate still on the way, dated between the class and the dossier."""
        if candidate.dossier_date is None:
            if candidate.class_done_date is not None and rng.random() < 0.5:
                when = min(candidate.class_done_date + timedelta(days=rng.randint(5, 40)), DEMO_TODAY)
                self._paper(candidate, PaperKind.APPLICATION, when, rng)
            return
        start, end = candidate.class_done_date, candidate.dossier_date
        kinds = list(DOSSIER_KINDS)
        if candidate.introduction_route == Introduction.TRADE_UNION.value:
            kinds.append(PaperKind.TRADE_UNION_RESOLUTION)
        if candidate.introduction_route == Introduction.YOUTH_UNION.value and candidate.youth_union_resolution_date is None:
            kinds.append(PaperKind.YOUTH_UNION_RESOLUTION)
        sponsors = [n for n in (candidate.sponsor1_name, candidate.sponsor2_name) if n]
        if candidate.introduction_route != Introduction.TWO_MEMBERS.value:
            sponsors = sponsors[:1]
        wanted = [(k, "") for k in kinds] + [(PaperKind.SPONSOR_INTRODUCTION, n) for n in sponsors]
        if not complete:
            for gone in rng.sample(wanted, rng.randint(1, 2)):
                wanted.remove(gone)
        for kind, holder in wanted:
            self._paper(candidate, kind, start + timedelta(days=rng.randint(0, max((end - start).days, 0))), rng,
                        holder=holder)

    def _paper(self, candidate: Candidate, kind: str, when: date, rng: random.Random, *, holder: str = "") -> None:
        pattern = PAPER_NUMBER.get(kind)
        self.session.add(DossierPaper(candidate_id=candidate.id, kind=kind, issue_date=when, holder=holder,
                                      document_number=pattern.format(n=rng.randint(1, 250)) if pattern else "",
                                      valid_until=valid_until(kind, when, RuleSettings()), recorded_by=RECORDED_BY))

    # ----- cases the procedure's rules have, planted after everything else ------------------
    def planted_cases(self, root: Unit) -> None:
        """Three cases of the procedure, made through the product's own functions after the
        district is written (so nothing of it moves): a đảng bộ bộ phận between Đảng bộ thị trấn
        Quế and four of its chi bộ, whose appraisal (7-KNĐ) their dossiers went through; a
        candidate transferred between two chi bộ of Thanh Sơn, keeping every step; a recognition
        vote failed in a chi bộ with members absent (8 of the 14 official members in favour: two
        thirds of those present, not of the members)."""
        actor = Actor(RECORDED_BY, Role.ADMIN, self.province.path)
        self._sub_committee(root, actor)
        self._reorganise(root, actor)
        self._transfer(actor)
        self._failed_recognition_vote()

    def _sub_committee(self, root: Unit, actor: Actor) -> None:
        commune = next(u for u in root.children if u.org.code == SUB_COMMITTEE_PARENT)
        cells = [u for u in commune.children if u.org.code in SUB_COMMITTEE_CELLS]
        part = Unit(add_organization(self.session, actor, parent_code=commune.org.code, code=SUB_COMMITTEE_CODE,
                                     name=SUB_COMMITTEE_NAME, kind=OrgKind.SUB_COMMITTEE.value,
                                     sector=commune.org.sector, has_youth_union=True, valid_from=SUB_COMMITTEE_FOUNDED))
        for cell in cells:
            restructure.move(self.session, actor, org_code=cell.org.code, new_parent_code=part.org.code,
                             effective_date=SUB_COMMITTEE_FOUNDED, today=DEMO_TODAY)
            commune.children.remove(cell)
            part.children.append(cell)
        commune.children.append(part)
        plans = self.session.exec(select(YearPlan).where(YearPlan.organization_id.in_([c.org.id for c in cells]))).all()
        for y in YEARS:
            of_year = [p for p in plans if p.year == y]
            self.session.add(YearPlan(organization_id=part.org.id, year=y, target=sum(p.target for p in of_year),
                                      members_start=sum(p.members_start or 0 for p in of_year)))
        # Their dossiers went through the appraisal (7-KNĐ) between the chi bộ's resolution and the
        # đảng ủy's (from 01/7/2025, the đảng ủy phường's decision).
        moved = self.session.exec(select(Candidate).where(
            Candidate.organization_id.in_([c.org.id for c in cells]), Candidate.branch_resolution_date.is_not(None),
            or_(Candidate.committee_resolution_date.is_not(None), Candidate.decision_date.is_not(None)))
            .order_by(Candidate.id)).all()
        for n, candidate in enumerate(moved, 1):
            branch = candidate.branch_resolution_date
            committee = candidate.committee_resolution_date or candidate.decision_date
            self._append(candidate, StageEvent(candidate_id=candidate.id, stage=Stage.SUB_COMMITTEE_APPRAISAL.value,
                                               event_date=branch + timedelta(days=(committee - branch).days // 2),
                                               document_number=f"{n:02d}-BC/ĐUBP", recorded_by=RECORDED_BY))
        self.routes.clear()

    def _reorganise(self, root: Unit, actor: Actor) -> None:
        """01/7/2025: the province takes its new name, the communes merge into wards, the
        district's units go under the wards or the province, and the district ends; made with
        the product's own restructuring (core.structure.restructure), as the Ban Tổ chức would
        record it. The district keeps the part of its 2025 plan for its half-year; the province
        plans the former district's area itself from then on."""
        session, on = self.session, dict(effective_date=REORGANISED, today=DEMO_TODAY)
        restructure.rename(session, actor, org_code=ROOT_CODE, name=ROOT_NAME, note=REORGANISATION_NOTE, **on)
        for code, name, communes, units in WARDS:
            ward = restructure.NewOrg(parent_code=ROOT_CODE, code=code, name=name,
                                      kind=OrgKind.COMMUNE_COMMITTEE.value, sector=Sector.URBAN.value)
            restructure.merge(session, actor, source_codes=[f"KB-{c}" for c in communes], new=ward,
                              document_number=WARD_DECISION, **on)
            for unit in units:
                restructure.move(session, actor, org_code=unit, new_parent_code=code, document_number=WARD_DECISION,
                                 **on)
                if unit in RENAMED_IN_WARD:
                    restructure.rename(session, actor, org_code=unit, name=RENAMED_IN_WARD[unit], **on)
            self._ward_plans(code, units)
        for unit, name in TO_PROVINCE:
            restructure.move(session, actor, org_code=unit, new_parent_code=ROOT_CODE, **on)
            restructure.rename(session, actor, org_code=unit, name=name, **on)
        district = session.exec(select(Organization).where(Organization.code == "KB")).one()
        plans = {p.year: p for p in session.exec(select(YearPlan).where(YearPlan.organization_id == district.id)).all()}
        for year, target in ROOT_TARGET.items():
            session.add(YearPlan(organization_id=self.province.id, year=year, target=target,
                                 members_start=plans[year].members_start))
        plans[2025].target = restructure.default_part(plans[2025].target, REORGANISED)
        session.add(plans[2025])
        session.delete(plans[2026])
        session.flush()
        restructure.dissolve(session, actor, org_code="KB", document_number=WARD_DECISION, **on)
        self.routes.clear()

    def _ward_plans(self, ward_code: str, units: tuple[str, ...]) -> None:
        """A ward plans for the units placed under it too: their 2026 targets, and in 2025 the
        part of the year after 01/7 (the communes' parts came with the merge)."""
        session = self.session
        ward = session.exec(select(Organization).where(Organization.code == ward_code)).one()
        ids = session.exec(select(Organization.id).where(Organization.code.in_(units))).all()
        for year in (REORGANISED.year, REORGANISED.year + 1):
            targets = session.exec(select(YearPlan.target).where(YearPlan.organization_id.in_(ids),
                                                                 YearPlan.year == year)).all()
            rest = sum(t if year > REORGANISED.year else t - restructure.default_part(t, REORGANISED) for t in targets)
            plan = session.exec(select(YearPlan).where(YearPlan.organization_id == ward.id, YearPlan.year == year)).one()
            plan.target += rest
            session.add(plan)
        session.flush()

    def _transfer(self, actor: Actor) -> None:
        cells = self.session.exec(select(Organization).where(Organization.parent_id == self._org_id(TRANSFER_COMMUNE))
                                  .order_by(Organization.code)).all()
        moving, source = self.session.exec(
            select(Candidate, Organization).join(Organization, Organization.id == Candidate.organization_id)
            .where(Organization.parent_id == cells[0].parent_id, Organization.sector == Sector.RURAL,
                   Candidate.exit.is_(None), Candidate.stage.in_([Stage.CLASS_DONE.value, Stage.DOSSIER.value]),
                   Candidate.stage_date < TRANSFER_DATE)
            .order_by(Organization.code, Candidate.id)).first()
        target = next(c for c in cells if c.id != source.id and c.sector == Sector.RURAL)
        transfer_candidate(self.session, actor, candidate_id=moving.id, expected_version=None,
                           to_org_code=target.code, transfer_date=TRANSFER_DATE, document_number="27-QĐ/ĐU",
                           today=DEMO_TODAY, note="Chuyển nơi cư trú sang thôn khác trong phường")

    def _org_id(self, code: str) -> int:
        return self.session.exec(select(Organization.id).where(Organization.code == code)).one()

    def _failed_recognition_vote(self) -> None:
        """One of the members whose review is overdue: the chi bộ met, and the vote did not reach
        two thirds of its official members either way; the review stays to be held again."""
        waiting = self.session.exec(select(Candidate).where(
            Candidate.stage == Stage.ADMITTED.value, Candidate.exit.is_(None),
            Candidate.admitted_date < add_months(DEMO_TODAY, -14)).order_by(Candidate.admitted_date, Candidate.id)).first()
        held = add_working_days(add_months(waiting.admitted_date, 12), 10)
        self._append(waiting, StageEvent(candidate_id=waiting.id, stage=Record.RECOGNITION_NO_MAJORITY.value,
                                         event_date=held, document_number="", votes_for=8, votes_total=11,
                                         votes_against=3, members_total=15, members_excused=1,
                                         note=FAILED_VOTE_NOTE,
                                         recorded_by=RECORDED_BY))

    def _append(self, candidate: Candidate, event: StageEvent) -> None:
        """Add a past event to a written candidate and derive its columns again."""
        self.session.add(event)
        self.session.flush()
        events = self.session.exec(select(StageEvent).where(StageEvent.candidate_id == candidate.id)).all()
        for column, value in derive_state(EventRow.of(e) for e in events).items():
            setattr(candidate, column, value)
        self.session.add(candidate)
        self.events += 1

    def users(self) -> int:
        orgs = {o.code: o for o in self.session.exec(select(Organization)).all()}
        for username, display_name, role, code in DEMO_USERS:
            user = create_user(self.session, username=username, display_name=display_name, password=DEMO_PASSWORD,
                               role=role.value, organization=orgs[code], created_by=RECORDED_BY)
            if username in DEMO_MAIL:
                user.email, user.digest = f"{username}@{MAIL_DOMAIN}", DEMO_MAIL[username]
                self.session.add(user)
        return len(DEMO_USERS)


def _home_after_reorganisation(code: str) -> str | None:
    """Where a chi bộ of the district stands from 01/7/2025: directly under a ward ("commune":
    the commune's chi bộ), in a unit under a ward ("ward"), in a unit under the province
    ("province"); None for organizations above the chi bộ."""
    parts = code.split("-")
    if len(parts) < 2 or parts[0] != "KB":
        return None
    if any(parts[1] in communes for _code, _name, communes, _units in WARDS):
        return "commune"
    unit = next((u for u in (*(c for *_rest, units in WARDS for c in units), *(c for c, _ in TO_PROVINCE))
                 if code == u or code.startswith(f"{u}-")), None)
    if unit is None:
        return None
    return "province" if unit in dict(TO_PROVINCE) else "ward"


def _walk(unit: Unit):
    yield unit
    for child in unit.children:
        yield from _walk(child)


@dataclass(frozen=True)
class DemoSummary:
    """What the loader wrote."""

    organizations: int
    candidates: int
    events: int
    users: int


def database_is_empty(session: Session) -> bool:
    """True when no organization exists yet."""
    return session.exec(select(func.count()).select_from(Organization)).one() == 0


def load_demo(session: Session, *, with_users: bool = True) -> DemoSummary:
    """Write the demo district into an empty database, in the caller's transaction."""
    if not database_is_empty(session):
        raise ValueError(t("error.not_empty"))
    builder = DemoBuilder(session)
    root = builder.build_tree()
    builder.plan_years(root)
    builder.write_plans(root)
    builder.admissions(root)
    builder.pipeline(root)
    builder.dossiers(root)
    builder.planted_cases(root)
    users = builder.users() if with_users else 0
    organizations = session.exec(select(func.count()).select_from(Organization)).one()
    record_audit(session, username=RECORDED_BY, action="load_demo", entity="database", entity_id=None,
                 after={"organizations": organizations, "candidates": builder.candidates, "events": builder.events})
    bump_data_version(session)
    return DemoSummary(organizations, builder.candidates, builder.events, users)
