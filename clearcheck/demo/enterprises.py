"""Generator of the demo county's ~300 enterprises (deterministic, valid USCCs, WGS-84 positions)."""

import csv
import io
import random

from clearcheck.registry.validators import _ALPHABET, uscc_check_digit

from .data import CENTRE, ENTERPRISE_KINDS, NAME_PREFIXES, REGION, TOWNS

_ORG_ALPHABET = _ALPHABET  # GB 32100 excludes I, O, S, V, Z
_TYPE_PREFIX = {"legal_person": "91", "individual_business": "92", "unincorporated": "93"}
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董袁潘"
_GIVEN = ["建华", "秀兰", "志强", "玉梅", "德胜", "春燕", "海涛", "桂英", "永刚", "丽娟", "庆余", "文静"]


def uscc_make(rng: random.Random, entity_type: str) -> str:
    """A valid USCC registered in Dong'e (region 371524) for ``entity_type``."""
    body = _TYPE_PREFIX[entity_type] + REGION + "".join(rng.choice(_ORG_ALPHABET) for _ in range(9))
    return body + uscc_check_digit(body)


def enterprise_rows(seed: int = 2025) -> list[dict]:
    """The demo enterprises as import rows (Chinese column names, as an agency's spreadsheet has them)."""
    rng = random.Random(seed)
    rows, seen_names, seen_codes = [], set(), set()
    for stem, industry, entity_type, suffix, count in ENTERPRISE_KINDS:
        for _ in range(count):
            while True:
                town = rng.choice(TOWNS)
                prefix = rng.choice(NAME_PREFIXES)
                if entity_type == "individual_business":
                    name = f"东阿县{town}{prefix}{stem}"
                elif entity_type == "unincorporated":
                    name = f"东阿县{prefix}{stem}"
                else:
                    name = f"东阿县{prefix}{stem}{suffix}"
                if name not in seen_names:
                    seen_names.add(name)
                    break
            code = uscc_make(rng, entity_type)
            while code in seen_codes:
                code = uscc_make(rng, entity_type)
            seen_codes.add(code)
            lat = CENTRE[0] + rng.uniform(-0.12, 0.12)
            lng = CENTRE[1] + rng.uniform(-0.15, 0.15)
            rows.append({
                "统一社会信用代码": code,
                "企业名称": name,
                "主体类型": entity_type,
                "法定代表人": rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                "住所": f"山东省聊城市东阿县{town}{rng.choice(['阿胶街', '曙光路', '洛神路', '鱼山路', '东关街', '工业园路'])}"
                        f"{rng.randint(1, 399)}号",
                "行政区划代码": REGION,
                "行业代码": industry,
                "纬度": f"{lat:.6f}",
                "经度": f"{lng:.6f}",
                "坐标系": "wgs84",
                "登记状态": "operating",
            })
    return rows


def enterprise_csv(rows: list[dict]) -> bytes:
    """The rows as a UTF-8 CSV file with a header line."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
