"""Issue 2: every role logs in in a real browser and sees its own home page, in Chinese."""

import pytest

from tests.browser.menus import log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# role → (what the role line says, what waits for this user on the home page)
EXPECTED = {
    "platform_admin": ("平台管理员 · 机构管理员", "年节假日安排尚未录入"),
    "provincial_reviewer": ("宁夏回族自治区医疗保障局 · 医疗保障局 · 省级 · 医保局审核员", "尚未导入全国挂网价格"),
    "city_bureau": ("银川市医疗保障局 · 医疗保障局 · 市级 · 医保局监管员", "银川市辖区内的医疗机构"),
    "county_bureau": ("永宁县医疗保障局 · 医疗保障局 · 县级 · 医保局监管员", "永宁县辖区内的医疗机构"),
    "hospital_admin": ("永宁县人民医院 · 医疗机构 · 机构管理员", "有效的 HIS 接口密钥"),
    "hospital_buyer": ("永宁县人民医院 · 医疗机构 · 医院采购员", "目前没有待办事项"),
    "manufacturer_clerk": ("北京嘉林药业股份有限公司 · 生产企业 · 企业申报员", "本企业在目录中的产品"),
    "distributor_clerk": ("国药控股宁夏有限公司 · 配送企业 · 配送企业操作员", "目前没有待办事项"),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_logs_in_and_sees_its_home_page_in_chinese(world, login, page, role):
    user = world.user(role)
    login(user.username)
    role_line, waiting = EXPECTED[role]
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.title().endswith("药品阳光采购和综合监管平台")
    assert page.inner_text("[data-testid=home-title]") == f"欢迎，{user.full_name}"
    assert " ".join(page.inner_text("[data-testid=home-role]").split()) == role_line
    assert waiting in page.inner_text("main")
    assert page.inner_text("[data-testid=current-user]").startswith(user.full_name)
    # The navigation is the role's own: only the provincial bureau and administrators load the feed.
    navigation = page.text_content("nav.main-nav")
    assert ("价格导入" in navigation) == (role in ("platform_admin", "provincial_reviewer"))
    assert ("HIS 接口密钥" in navigation) == (role == "hospital_admin")


def test_a_wrong_password_is_refused_in_chinese(world, page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "hospital_buyer")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "请输入一个正确的" in page.inner_text("main")
    assert page.url.endswith("/accounts/login/")


def test_logging_out_returns_to_the_login_page(world, login, page):
    login("hospital_buyer")
    log_out(page)
    page.wait_for_url("**/accounts/login/")
    page.goto("/")
    assert "/accounts/login/" in page.url
