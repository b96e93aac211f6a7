"""The audit page speaks the interface's language and names records: the order's JZ
number, the customer's name as the reader's role may see it, labelled actions and fields
instead of codes; the record-type filter is a select of the types on record."""
import re

from tests.orders.helpers import intake, make_customer


def _order(app, api_as, **customer):
    desk = api_as("dispatcher")
    cid = make_customer(app, **customer)
    made = desk.post("/api/v1/orders", json={"service_line": "cleaning", "customer_id": cid,
                                              "intake": intake("cleaning")})
    assert made.status_code == 201, made.get_json()
    return cid, made.get_json()


def _rows(html):
    return re.findall(r"<tr>.*?</tr>", html, re.S)


def test_rows_name_the_order_and_customer_in_chinese_then_english(app, api_as, web_as):
    cid, order = _order(app, api_as, name="陈美玲")
    client = web_as("supervisor")
    html = client.get("/audit/", query_string={"entity_type": "order"}).get_data(as_text=True)
    created = next(r for r in _rows(html) if 'data-action="create"' in r)
    assert order["number"] in created and "#None" not in html
    assert "新建" in created and "订单" in created
    assert "客户" in created and "陈美玲" in created          # customer_id shown by name
    assert "状态" in created and "咨询" in created            # field and state labelled
    assert "customer_id" not in re.sub(r'data-field="\w+"', "", created)
    client.get("/lang/en")
    html = client.get("/audit/", query_string={"entity_type": "order"}).get_data(as_text=True)
    created = next(r for r in _rows(html) if 'data-action="create"' in r)
    assert "Created" in created and "Order" in created and "Enquiry" in created
    assert "新建" not in created and "咨询" not in created


def test_a_closed_top_secret_customer_shows_only_her_family_name(app, api_as, web_as):
    cid, _order_json = _order(app, api_as, name="王小红", confidentiality="top_secret")
    html = web_as("supervisor").get("/audit/", query_string={
        "entity_type": "customer", "entity_id": cid}).get_data(as_text=True)
    assert "王**" in html and "王小红" not in html
    admin = web_as("admin").get("/audit/", query_string={
        "entity_type": "customer", "entity_id": cid}).get_data(as_text=True)
    assert "王小红" in admin


def test_the_record_type_filter_is_a_select_of_the_types_on_record(app, api_as, web_as):
    _order(app, api_as)
    html = web_as("supervisor").get("/audit/").get_data(as_text=True)
    select = re.search(r'<select name="entity_type">.*?</select>', html, re.S).group(0)
    options = dict(re.findall(r'<option value="(\w*)"[^>]*>([^<]*)</option>', select))
    assert options["order"] == "订单" and options["customer"] == "客户"
    assert '<input name="entity_type"' not in html
