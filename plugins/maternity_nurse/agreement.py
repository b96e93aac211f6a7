"""The service agreement (服务协议) a 月嫂 signs with the company beside the three-party
contract (004: 合同带回公司备案，并让月嫂签订服务协议给予约束) — the text of its first
version; supervisors keep later versions as data."""
from core import AgreementText

AGREEMENT = AgreementText(
    title_zh="月嫂服务协议",
    title_en="Maternity nurse service agreement",
    body_zh="\n".join((
        "甲方：{company}　乙方（月嫂）：{worker}　订单：{order}",
        "一、乙方按三方合同约定的时间上户，服务期间遵守客户家庭的作息与卫生要求。",
        "二、乙方持有效健康证上岗，证书到期前主动办理续期。",
        "三、乙方不得私下与客户约定合同以外的费用、延长服务或转单。",
        "四、乙方对客户家庭的个人信息、住址与生活情况保密，服务结束后仍须保密。",
        "五、服务期间如有不适或纠纷，乙方应第一时间告知甲方客服部，不得擅自离岗。",
        "六、乙方配合甲方的回访与评价，评价结果作为今后推荐上单的依据。",
        "七、本协议随三方合同生效，三方合同终止时本协议同时终止。",
    )),
    body_en="\n".join((
        "Company: {company}   Maternity nurse: {worker}   Order: {order}",
        "1. The nurse starts on the date of the three-party contract and keeps the "
        "household's routines and hygiene rules during service.",
        "2. The nurse works with a valid health certificate and renews it before it expires.",
        "3. The nurse agrees no fee, extension or transfer with the customer outside the "
        "contract.",
        "4. The nurse keeps the household's personal data, address and private life "
        "confidential, also after the service ends.",
        "5. The nurse tells the company's service desk at once of any illness or dispute "
        "and does not leave the post on her own.",
        "6. The nurse takes part in the company's follow-ups and evaluations, which are "
        "used for later recommendations.",
        "7. This agreement runs with the three-party contract and ends with it.",
    )),
)
