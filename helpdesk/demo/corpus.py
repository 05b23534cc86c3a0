"""Multilingual demo corpus for the ``seed_demo`` management command.

Pure data: realistic customer messages, follow-ups, agent replies, tracking checkpoints,
cities, names and products used to generate demo tickets. Message texts are
``str.format`` templates; customer texts may use ``{name}``, ``{order}``, ``{tracking}``,
``{product}`` and ``{days}``; agent replies may use ``{name}``, ``{order}``,
``{tracking}``, ``{tracking_url}``, ``{return_url}`` and ``{agent}``.
"""

from __future__ import annotations

from helpdesk.taxonomy import INTENTS as INTENTS

LANGUAGES: tuple[str, ...] = (
    "en",
    "zh",
    "de",
    "fr",
    "es",
    "it",
    "ja",
    "pt",
    "nl",
    "pl",
    "ko",
    "sv",
)


# CUSTOMER_MESSAGES[language][intent] -> three (subject, body) pairs.
CUSTOMER_MESSAGES: dict[str, dict[str, list[tuple[str, str]]]] = {
    "en": {
        "where_is_my_order": [
            (
                "Where is my order?",
                (
                    "Hi, I ordered {product} {days} days ago and the tracking number {tracking} "
                    "hasn't updated since last week. Can you tell me when it will arrive? Thanks, "
                    "{name}"
                ),
            ),
            (
                "order {order} status",
                (
                    "hello when will my order ship?? its been {days} days and i still dont have "
                    "any tracking info"
                ),
            ),
            (
                "Delivery date for order #{order}",
                (
                    "Good morning, I need the {product} for my daughter's birthday next weekend. "
                    "Could you please confirm it will arrive in time? Kind regards, {name}"
                ),
            ),
        ],
        "not_received": [
            (
                "Tracking says delivered but nothing here",
                (
                    "Hi, tracking {tracking} shows the parcel was delivered yesterday but I never "
                    "got it. I've checked with my neighbours and the mailroom. What are you going "
                    "to do about this? {name}"
                ),
            ),
            (
                "NEVER RECEIVED MY ORDER",
                (
                    "Order {order} was placed over {days} days ago and I have received NOTHING. If "
                    "I don't get a refund or a replacement by Friday I'm opening a PayPal dispute."
                ),
            ),
            (
                "Parcel not arrived",
                (
                    "Hello, my order {order} still hasn't arrived and the tracking has been stuck "
                    "at the same point for two weeks. Could you check with the carrier or send a "
                    "new one? Thank you"
                ),
            ),
        ],
        "damaged_item": [
            (
                "Item arrived broken",
                (
                    "Hi, the {product} arrived today and the screen is cracked, the box was "
                    "crushed too. I have photos if you need them. Can you send a replacement? "
                    "{name}"
                ),
            ),
            (
                "damaged",
                "the {product} doesnt turn on at all, tried two different cables and plugs. order {order}",
            ),
            (
                "Very disappointed - order {order}",
                (
                    "The parcel was soaking wet and half of it was shattered. This is the second "
                    "time this has happened with your shop. I want a full refund, otherwise I will "
                    "leave a 1-star review everywhere."
                ),
            ),
        ],
        "wrong_item": [
            (
                "Wrong size sent",
                (
                    "Hello, I ordered the {product} in size M but recieved an XL. Order {order}. "
                    "How do I exchange it? Thanks, {name}"
                ),
            ),
            (
                "wrong item in my package",
                (
                    "I got a completely different product, some kind of phone case?? I ordered "
                    "{product}. pls fix this asap"
                ),
            ),
            (
                "Wrong colour received for order {order}",
                (
                    "Hi there, I chose black but the one I received is navy blue. It's a gift so I "
                    "really need the right colour. Can you send the correct one and tell me what "
                    "to do with this one? Best, {name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "Item missing from my order",
                (
                    "Hi, I ordered 3 items in order {order} but the package only had 2. The "
                    "{product} is missing. Could you please send it? {name}"
                ),
            ),
            (
                "only got half my order",
                "where is the rest of my stuff? the packing slip lists the {product} but it wasnt in the box",
            ),
            (
                "Order {order} incomplete",
                (
                    "Hello, the charger that should come with the {product} was not in the box. "
                    "Was it shipped separately? If so please give me the tracking number. Also the "
                    "invoice wasn't included. Regards, {name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "Not what was advertised",
                (
                    "The {product} looks nothing like the photos. The material feels cheap and the "
                    "colour is much lighter. I'd like to return it. {name}"
                ),
            ),
            (
                "size chart is wrong",
                (
                    "I followed your size chart exactly and the {product} is way too small, at "
                    "least 2 sizes off. Order {order}. this is really misleading"
                ),
            ),
            (
                "Battery life claims",
                (
                    "Hello, your listing says 30 hours battery life but the {product} lasts about "
                    "4 hours. That's false advertising. I want a refund or I'll report the "
                    "listing. {name}"
                ),
            ),
        ],
        "return_request": [
            (
                "Return request - order {order}",
                (
                    "Hi, I'd like to return the {product}, it doesn't fit. It's unworn and still "
                    "has the tags on. How do I send it back? Thank you, {name}"
                ),
            ),
            (
                "how do i return this",
                (
                    "changed my mind about the {product}, can i send it back and get my money "
                    "back? got it {days} days ago"
                ),
            ),
            (
                "Return and exchange",
                (
                    "Hello, the shoes are too narrow for me. Can I return them and order a bigger "
                    "size? Also, who pays for the return shipping? Best regards, {name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "Where is my refund?",
                (
                    "Hi, I sent back the {product} {days} days ago and tracking {tracking} shows "
                    "you received it. I still don't have my refund. Can you check? {name}"
                ),
            ),
            (
                "refund not received order {order}",
                (
                    "you said you refunded me a week ago but theres nothing on my card. send me "
                    "proof of the refund please"
                ),
            ),
            (
                "Refund still pending",
                (
                    "I was promised a refund for order {order} over {days} days ago. If the money "
                    "isn't back by Monday I'll file a chargeback with my bank. I'm done waiting."
                ),
            ),
        ],
        "cancel_order": [
            (
                "Cancel order {order}",
                (
                    "Hi, please cancel my order {order}, I ordered the wrong model by mistake. It "
                    "hasn't shipped yet. Thanks, {name}"
                ),
            ),
            (
                "cancel pls",
                "i want to cancel my order, found it cheaper elsewhere. order {order}",
            ),
            (
                "Please cancel - taking too long",
                (
                    "Hello, it's been {days} days and my order still hasn't shipped. I no longer "
                    "need the {product}, please cancel and refund me. Regards, {name}"
                ),
            ),
        ],
        "change_order": [
            (
                "Change shipping address",
                (
                    "Hi, I just placed order {order} and realised I put my old address. Can you "
                    "change it to 14 Elm Street, Apt 3B? Thanks! {name}"
                ),
            ),
            (
                "change size before shipping",
                "hey can i change the {product} from size L to M? order {order}, hope it hasnt shipped yet",
            ),
            (
                "Add item to my order",
                (
                    "Hello, could I add a second {product} to order {order} and combine the "
                    "shipping? Also please correct the phone number on the order, the last digit "
                    "should be a 7. Best, {name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "Asked to pay customs fees",
                (
                    "Hi, the courier wants £23 in import VAT and a handling fee before delivering "
                    "order {order}. Your website said duties were included. Why do I have to pay "
                    "this? {name}"
                ),
            ),
            (
                "package stuck in customs",
                (
                    "tracking {tracking} says held at customs for {days} days now. what do i need "
                    "to do? do you have to send them documents?"
                ),
            ),
            (
                "Import duties - not paying",
                (
                    "I'm not paying $40 in duties for a $25 order. Either you cover it or I refuse "
                    "the parcel and want my money back."
                ),
            ),
        ],
        "product_question": [
            (
                "Compatible with iPhone 15?",
                (
                    "Hi, is the {product} compatible with the iPhone 15 Pro? And does it support "
                    "MagSafe? Thanks, {name}"
                ),
            ),
            (
                "sizing question",
                "hi what size should i get in the {product}? im 5'7 and normally wear a medium",
            ),
            (
                "How to pair",
                (
                    "Hello, I received the {product} but I can't figure out how to connect it to "
                    "my phone. The manual is only in Chinese. Could you send instructions in "
                    "English? Regards, {name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "Invoice needed for order {order}",
                (
                    "Hello, could you please send me a VAT invoice for order {order}? I need it "
                    "for my company's expenses. Company name and VAT number below. Thanks, {name}"
                ),
            ),
            (
                "receipt",
                "can i get a receipt for my order {order}? need it for a warranty claim",
            ),
            (
                "Invoice with company details",
                (
                    "Hi, the invoice attached to the email is missing our company address. Could "
                    "you reissue it with the full details? Best regards, {name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "Charged twice",
                (
                    "Hi, I was charged twice for order {order}, both payments show on my card "
                    "statement. Please refund the duplicate. {name}"
                ),
            ),
            (
                "payment failed but money taken",
                (
                    "checkout said payment failed but the money is gone from my account. do i have "
                    "an order or not??"
                ),
            ),
            (
                "Wrong amount charged",
                (
                    "Hello, the price on the site was $29.99 but I was charged $34.99 for the "
                    "{product}. Could you refund the difference? If not I'll dispute it with my "
                    "bank. {name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "Thank you!",
                (
                    "Just wanted to say the {product} arrived quickly and it's perfect. Will "
                    "definitely order again. {name}"
                ),
            ),
            (
                "great service",
                "thanks for sorting out my replacement so fast, really appreciate it!!",
            ),
            (
                "Happy customer",
                (
                    "Hi, received order {order} today, everything well packed and the quality is "
                    "better than I expected. Thanks to your support team too! Best, {name}"
                ),
            ),
        ],
        "other": [
            (
                "Wholesale inquiry",
                (
                    "Hello, I run a small shop in Manchester and I'm interested in buying the "
                    "{product} in bulk (200+ units). Do you offer wholesale prices? Regards, {name}"
                ),
            ),
            (
                "collab?",
                (
                    "hi! im a content creator with 50k followers on instagram, would love to "
                    "collaborate with your brand. let me know"
                ),
            ),
            (
                "Delete my account",
                (
                    "Please delete my account and all my personal data and unsubscribe me from "
                    "your newsletter. Thanks, {name}"
                ),
            ),
        ],
    },
    "zh": {
        "where_is_my_order": [
            (
                "我的订单到哪了？",
                (
                    "你好，我{days}天前买的{product}，物流单号{tracking}一个星期都没更新了，请问什"
                    "么时候能到？谢谢"
                ),
            ),
            (
                "催发货",
                "订单{order}怎么还没发货？？都{days}天了，麻烦快点",
            ),
            (
                "请问大概几号能送到",
                (
                    "您好，订单号{order}，想确认一下下周六之前能不能收到，是送孩子的生日礼物，比较"
                    "着急。麻烦了！——{name}"
                ),
            ),
        ],
        "not_received": [
            (
                "显示已签收但我没收到",
                (
                    "物流{tracking}显示昨天已经签收了，可是我根本没收到包裹，问了门卫和邻居都说没有"
                    "。请尽快处理。{name}"
                ),
            ),
            (
                "一直没收到货！！",
                (
                    "订单{order}下单{days}多天了还没收到，物流信息停了两周不动。周五之前不给我退款"
                    "或者重发，我就去PayPal投诉"
                ),
            ),
            (
                "包裹是不是丢了",
                (
                    "你好，查了一下单号{tracking}，一直显示运输中，半个月没动静了，是不是丢件了？能"
                    "不能帮我重新发一个？"
                ),
            ),
        ],
        "damaged_item": [
            (
                "收到的东西是坏的",
                "今天收到{product}，外箱都压扁了，屏幕也裂了。照片已经拍好了，请问怎么处理？{name}",
            ),
            (
                "商品破损",
                "你好，订单{order}里的杯子碎了两个，包装太简单了，连个泡沫都没有。希望补发或者退款，谢谢",
            ),
            (
                "质量太差，刚到就坏",
                "{product}插上电一点反应都没有，换了两根线都不行。刚收到就是坏的，太失望了，不处理我就给差评",
            ),
        ],
        "wrong_item": [
            (
                "发错货了",
                "我买的是黑色M码，收到的是白色L码，订单号{order}。麻烦给我换一下",
            ),
            (
                "收到的不是我买的东西",
                "你好，我订的是{product}，结果寄来的是一个手机壳？？请核实一下",
            ),
            (
                "尺码发错",
                "您好，订单{order}我选的38码，鞋盒上写的是40码。这个要怎么换？来回运费谁出？{name}",
            ),
        ],
        "missing_item": [
            (
                "少发了一件",
                "订单{order}一共买了三件，只收到两件，{product}没有。请补发",
            ),
            (
                "配件缺少",
                "你好，{product}盒子里没有充电线，详情页上写了有的。是不是漏发了？",
            ),
            (
                "包裹里东西不全",
                (
                    "您好，发货单上写了{product}，但是包裹里没有。是分开发的吗？如果是的话麻烦给我"
                    "单号。另外发票也没放。谢谢！{name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "和描述不符",
                "收到的{product}跟图片差太多了，颜色偏浅，面料也很薄，感觉很廉价。我要退货",
            ),
            (
                "尺码表不准",
                "完全按照你们的尺码表买的，结果小了两个码。订单{order}，这样很误导人",
            ),
            (
                "续航严重虚标",
                "页面写续航30小时，实际用了4个小时就没电了，这是虚假宣传。要么退款要么我去投诉。{name}",
            ),
        ],
        "return_request": [
            (
                "申请退货",
                "你好，{product}尺寸不合适，吊牌都还在，没穿过。请问怎么退？{name}",
            ),
            (
                "不想要了能退吗",
                "收到{days}天了，不太喜欢，可以退货退款吗？",
            ),
            (
                "退换货咨询",
                "您好，鞋子有点挤脚，想退了换大一码，可以吗？退货运费需要我自己付吗？谢谢",
            ),
        ],
        "refund_status": [
            (
                "退款什么时候到账",
                (
                    "我{days}天前就把{product}寄回去了，单号{tracking}显示你们已经签收了，可是退款"
                    "还没到，麻烦查一下"
                ),
            ),
            (
                "退款没收到",
                "客服说一周前已经退款了，可是我信用卡上什么都没有。请发一下退款凭证",
            ),
            (
                "退款拖太久了",
                "订单{order}的退款已经{days}天了还没到账，周一之前再不到我就找银行拒付了",
            ),
        ],
        "cancel_order": [
            (
                "取消订单",
                "你好，订单{order}拍错型号了，还没发货的话请帮我取消，谢谢！",
            ),
            (
                "不要了，取消",
                "在别家买到更便宜的了，订单{order}取消吧",
            ),
            (
                "发货太慢，申请取消",
                "已经{days}天了还没发货，{product}我不需要了，请取消并全额退款。{name}",
            ),
        ],
        "change_order": [
            (
                "修改收货地址",
                "您好，刚下的订单{order}地址填错了，是旧地址。麻烦改成新地址，我稍后发给你。谢谢！{name}",
            ),
            (
                "能换个尺码吗",
                "订单{order}的{product}我想从L码换成M码，还没发货吧？",
            ),
            (
                "加购一件能一起发吗",
                (
                    "你好，我想在订单{order}里再加一个{product}，能合并发货吗？另外电话号码最后一位"
                    "写错了，应该是7，麻烦帮我改一下"
                ),
            ),
        ],
        "customs_duties": [
            (
                "被要求交关税",
                (
                    "快递让我交23欧的进口增值税和手续费才给派送，订单{order}。你们页面上写的是包税"
                    "，为什么还要我付？{name}"
                ),
            ),
            (
                "包裹卡在海关",
                "单号{tracking}显示在海关扣了{days}天了，我需要做什么？是不是要你们提供发票？",
            ),
            (
                "关税谁承担",
                "商品才25美元，关税要交40美元，这个我不付。要么你们承担，要么我拒收然后退款",
            ),
        ],
        "product_question": [
            (
                "请问防水吗",
                "你好，{product}防水吗？洗澡和游泳的时候能戴吗？",
            ),
            (
                "尺码咨询",
                "身高165，体重55公斤，{product}穿什么码合适？",
            ),
            (
                "不会连接蓝牙",
                "收到了{product}，但是不知道怎么和手机配对，长按也没反应。有教程吗？{name}",
            ),
        ],
        "invoice_request": [
            (
                "开发票",
                "您好，订单{order}麻烦开一张增值税发票，公司报销用。抬头和税号我发在下面。谢谢！{name}",
            ),
            (
                "要收据",
                "能给我订单{order}的收据吗？保修要用",
            ),
            (
                "发票信息有误",
                "你好，邮件里附的发票没有公司地址，能重新开一张信息完整的吗？",
            ),
        ],
        "payment_issue": [
            (
                "重复扣款",
                "订单{order}被扣了两次钱，银行账单上有两笔。请退还多扣的那笔。{name}",
            ),
            (
                "支付失败但扣钱了",
                "付款页面显示失败，但是钱已经扣了，我到底下单成功没有？",
            ),
            (
                "扣款金额不对",
                "页面价格是29.99欧，结果扣了34.99欧，{product}的差价请退给我，不然我就找银行申诉",
            ),
        ],
        "feedback_positive": [
            (
                "谢谢！",
                "{product}收到了，发货很快，质量很好，下次还来买！",
            ),
            (
                "服务很好",
                "谢谢客服这么快帮我补发，非常满意",
            ),
            (
                "好评",
                "订单{order}今天收到了，包装很仔细，东西比预期的还好。客服也很耐心，谢谢！{name}",
            ),
        ],
        "other": [
            (
                "批发合作",
                "您好，我们是一家小店，想批量采购{product}，200件以上，有批发价吗？{name}",
            ),
            (
                "合作咨询",
                "你好，我是小红书博主，粉丝5万，想和你们品牌合作，可以联系一下吗",
            ),
            (
                "注销账号",
                "请帮我注销账号，删除所有个人信息，也不要再给我发广告邮件了。谢谢",
            ),
        ],
    },
    "de": {
        "where_is_my_order": [
            (
                "Wo bleibt meine Bestellung?",
                (
                    "Hallo, ich habe vor {days} Tagen {product} bestellt und die Sendungsnummer "
                    "{tracking} zeigt seit einer Woche nichts Neues. Wann kommt das Paket an? Gruß "
                    "{name}"
                ),
            ),
            (
                "Bestellung {order}",
                (
                    "hallo, wann wird meine bestelung endlich verschickt? warte schon {days} tage "
                    "und habe noch keine sendungsverfolgung"
                ),
            ),
            (
                "Lieferzeit",
                (
                    "Guten Tag, ich brauche die Bestellung {order} bis spätestens nächsten "
                    "Samstag, es ist ein Geburtstagsgeschenk. Können Sie mir sagen, ob das klappt? "
                    "Mit freundlichen Grüßen {name}"
                ),
            ),
        ],
        "not_received": [
            (
                "Paket als zugestellt markiert, aber nicht erhalten",
                (
                    "Laut Sendungsverfolgung {tracking} wurde das Paket gestern zugestellt, aber "
                    "ich habe nichts bekommen. Bei den Nachbarn wurde auch nichts abgegeben. Bitte "
                    "klären Sie das mit DHL. {name}"
                ),
            ),
            (
                "Ware nie angekommen!!!",
                (
                    "Bestellung {order} ist jetzt über {days} Tage her und ich habe NICHTS "
                    "erhalten. Wenn ich bis Freitag kein Geld zurück habe, eröffne ich einen "
                    "PayPal-Käuferschutzfall."
                ),
            ),
            (
                "Keine Lieferung",
                (
                    "Hallo, meine Bestellung {order} ist immer noch nicht da, die "
                    "Sendungsverfolgung hängt seit zwei Wochen beim gleichen Status. Können Sie "
                    "einen Nachforschungsantrag stellen oder neu senden? Danke"
                ),
            ),
        ],
        "damaged_item": [
            (
                "Ware beschädigt angekommen",
                (
                    "Hallo, {product} ist heute angekommen, das Display ist gesprungen und der "
                    "Karton war eingedrückt. Fotos kann ich schicken. Bekomme ich Ersatz? {name}"
                ),
            ),
            (
                "defekt",
                "das {product} geht gar nicht an, hab zwei verschiedene kabel probiert. bestellnr {order}",
            ),
            (
                "Sehr enttäuscht - Bestellung {order}",
                (
                    "Das Paket war komplett durchnässt und die Hälfte ist kaputt. Das ist schon "
                    "das zweite Mal bei Ihnen. Ich will mein Geld komplett zurück, sonst gibt es "
                    "eine 1-Stern-Bewertung."
                ),
            ),
        ],
        "wrong_item": [
            (
                "Falsche Größe geliefert",
                (
                    "Guten Tag, ich habe {product} in Größe M bestellt, geliefert wurde XL. "
                    "Bestellnummer {order}. Wie läuft der Umtausch? Viele Grüße {name}"
                ),
            ),
            (
                "falscher artikel",
                (
                    "im paket war was ganz anderes, irgendeine handyhülle. bestellt hatte ich "
                    "{product}. bitte schnell korrigieren"
                ),
            ),
            (
                "Falsche Farbe",
                (
                    "Hallo, ich hatte Schwarz ausgewählt, bekommen habe ich Dunkelblau. Es ist ein "
                    "Geschenk, ich brauche also die richtige Farbe. Was soll ich mit dem falschen "
                    "Artikel machen? LG {name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "Artikel fehlt",
                (
                    "Hallo, in der Bestellung {order} waren drei Artikel, im Paket aber nur zwei. "
                    "{product} fehlt. Bitte nachsenden. {name}"
                ),
            ),
            (
                "unvollständige lieferung",
                "auf dem lieferschein steht {product}, im karton war es aber nicht. wo ist der rest?",
            ),
            (
                "Zubehör fehlt",
                (
                    "Guten Tag, das Ladekabel, das laut Beschreibung bei {product} dabei sein "
                    "soll, fehlt. Wird es separat verschickt? Dann bitte die Sendungsnummer "
                    "schicken. Freundliche Grüße {name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "Entspricht nicht der Beschreibung",
                (
                    "{product} sieht überhaupt nicht aus wie auf den Fotos. Der Stoff ist dünn und "
                    "billig, die Farbe viel heller. Ich möchte das zurückgeben. {name}"
                ),
            ),
            (
                "Größentabelle stimmt nicht",
                (
                    "Ich habe mich genau an Ihre Größentabelle gehalten und trotzdem ist es zwei "
                    "Nummern zu klein. Bestellung {order}. Das ist irreführend."
                ),
            ),
            (
                "Akkulaufzeit gelogen",
                (
                    "In der Anzeige stehen 30 Stunden Akkulaufzeit, {product} hält keine 4 "
                    "Stunden. Das ist Irreführung. Entweder Erstattung oder ich melde das Angebot. "
                    "{name}"
                ),
            ),
        ],
        "return_request": [
            (
                "Rücksendung Bestellung {order}",
                (
                    "Hallo, ich möchte {product} zurückschicken, es passt leider nicht. "
                    "Ungetragen, Etikett ist noch dran. Wie funktioniert die Rücksendung? Danke, "
                    "{name}"
                ),
            ),
            (
                "Widerruf",
                (
                    "Hiermit widerrufe ich den Kauf von {product} (Bestellung {order}). Bitte "
                    "schicken Sie mir ein Retourenlabel."
                ),
            ),
            (
                "Umtausch möglich?",
                (
                    "Guten Tag, die Schuhe sind mir zu eng. Kann ich sie zurückschicken und eine "
                    "Nummer größer bestellen? Und wer trägt die Rücksendekosten? Gruß {name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "Wo bleibt meine Erstattung?",
                (
                    "Ich habe {product} vor {days} Tagen zurückgeschickt, laut Sendungsnummer "
                    "{tracking} ist es bei Ihnen angekommen. Geld habe ich noch keins. Bitte "
                    "prüfen. {name}"
                ),
            ),
            (
                "erstattung nicht erhalten",
                (
                    "sie haben geschrieben die erstattung ist raus, auf meinem konto ist aber "
                    "nichts. bitte beleg schicken"
                ),
            ),
            (
                "Rückzahlung seit Wochen ausstehend",
                (
                    "Die Erstattung für Bestellung {order} wurde mir vor {days} Tagen zugesagt. "
                    "Wenn das Geld bis Montag nicht da ist, lasse ich die Zahlung über meine Bank "
                    "zurückbuchen."
                ),
            ),
        ],
        "cancel_order": [
            (
                "Stornierung Bestellung {order}",
                (
                    "Hallo, bitte stornieren Sie meine Bestellung {order}, ich habe aus Versehen "
                    "das falsche Modell bestellt. Sie ist noch nicht versendet. Danke! {name}"
                ),
            ),
            (
                "stornieren",
                "bitte bestellung {order} stornieren, hab es woanders günstiger gefunden",
            ),
            (
                "Bitte stornieren – dauert zu lange",
                (
                    "Guten Tag, seit {days} Tagen ist die Bestellung nicht versendet. {product} "
                    "brauche ich nicht mehr, bitte stornieren und erstatten. MfG {name}"
                ),
            ),
        ],
        "change_order": [
            (
                "Lieferadresse ändern",
                (
                    "Hallo, ich habe bei Bestellung {order} meine alte Adresse angegeben. Können "
                    "Sie das noch ändern auf Lindenstraße 12, 50674 Köln? Danke! {name}"
                ),
            ),
            (
                "größe ändern",
                (
                    "kann ich bei {product} noch von L auf M wechseln? bestellung {order}, hoffe "
                    "ist noch nicht raus"
                ),
            ),
            (
                "Artikel hinzufügen",
                (
                    "Guten Tag, kann ich zu Bestellung {order} noch ein zweites {product} "
                    "dazubestellen und zusammen verschicken lassen? Außerdem ist meine "
                    "Telefonnummer falsch, die letzte Ziffer muss eine 7 sein. Grüße {name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "Zollgebühren bezahlen?",
                (
                    "Hallo, DHL will 23 € Einfuhrumsatzsteuer plus Auslagepauschale, bevor sie "
                    "Bestellung {order} zustellen. Auf Ihrer Seite stand, dass alles inklusive "
                    "ist. Warum soll ich das zahlen? {name}"
                ),
            ),
            (
                "Paket beim Zoll",
                (
                    "sendung {tracking} liegt seit {days} tagen beim zoll. was muss ich machen? "
                    "brauchen die eine rechnung von ihnen?"
                ),
            ),
            (
                "Zoll – zahle ich nicht",
                (
                    "Ich zahle keine 40 € Zoll für eine Bestellung von 25 €. Entweder Sie "
                    "übernehmen das oder ich verweigere die Annahme und will mein Geld zurück."
                ),
            ),
        ],
        "product_question": [
            (
                "Wasserdicht?",
                (
                    "Hallo, ist {product} wirklich wasserdicht? Kann ich damit schwimmen gehen "
                    "oder nur duschen? Danke, {name}"
                ),
            ),
            (
                "Frage zur Größe",
                "hallo, welche größe soll ich bei {product} nehmen? bin 1,70 m und trage normalerweise M",
            ),
            (
                "Bedienungsanleitung auf Deutsch?",
                (
                    "Guten Tag, ich bekomme {product} nicht mit meinem Handy verbunden. Die "
                    "Anleitung ist nur auf Chinesisch und Englisch. Gibt es eine deutsche "
                    "Anleitung? Gruß {name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "Rechnung für Bestellung {order}",
                (
                    "Guten Tag, bitte senden Sie mir eine Rechnung mit ausgewiesener MwSt. für "
                    "Bestellung {order}, ich brauche sie für die Firma. Firmendaten unten. Danke, "
                    "{name}"
                ),
            ),
            (
                "rechnung",
                "kann ich eine rechnung für bestellung {order} bekommen? brauche die für die garantie",
            ),
            (
                "Rechnung korrigieren",
                (
                    "Hallo, auf der Rechnung fehlen unsere Firmenanschrift und die USt-IdNr. "
                    "Könnten Sie sie bitte neu ausstellen? Mit freundlichen Grüßen {name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "Doppelt abgebucht",
                (
                    "Hallo, für Bestellung {order} wurde zweimal abgebucht, beide Beträge sehe ich "
                    "auf der Kreditkartenabrechnung. Bitte erstatten Sie den doppelten Betrag. "
                    "{name}"
                ),
            ),
            (
                "zahlung fehlgeschlagen, geld weg",
                (
                    "beim bezahlen kam ein fehler, aber das geld ist vom konto weg. hab ich jetzt "
                    "bestellt oder nicht??"
                ),
            ),
            (
                "Falscher Betrag",
                (
                    "Der Preis im Shop war 29,99 €, abgebucht wurden 34,99 € für {product}. Bitte "
                    "erstatten Sie die Differenz, sonst widerspreche ich der Lastschrift. {name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "Vielen Dank!",
                "Wollte nur sagen: {product} kam schnell an und ist super. Bestelle gerne wieder! {name}",
            ),
            (
                "top service",
                "danke dass ihr so schnell ersatz geschickt habt, echt klasse!",
            ),
            (
                "Zufriedene Kundin",
                (
                    "Hallo, Bestellung {order} ist heute angekommen, alles gut verpackt und die "
                    "Qualität ist besser als erwartet. Auch ein Dank an Ihren Kundenservice! Viele "
                    "Grüße {name}"
                ),
            ),
        ],
        "other": [
            (
                "Großhandelsanfrage",
                (
                    "Guten Tag, ich betreibe einen kleinen Laden in Leipzig und interessiere mich "
                    "für {product} in größeren Mengen (ab 200 Stück). Gibt es Händlerpreise? Mit "
                    "freundlichen Grüßen {name}"
                ),
            ),
            (
                "Laden vor Ort?",
                (
                    "hallo, habt ihr auch ein geschäft in deutschland wo man sich die sachen "
                    "vorher anschauen kann? oder nur online?"
                ),
            ),
            (
                "Konto löschen (DSGVO)",
                (
                    "Bitte löschen Sie mein Kundenkonto und alle gespeicherten personenbezogenen "
                    "Daten gemäß DSGVO und tragen Sie mich aus dem Newsletter aus. {name}"
                ),
            ),
        ],
    },
    "fr": {
        "where_is_my_order": [
            (
                "Où est ma commande ?",
                (
                    "Bonjour, j'ai commandé {product} il y a {days} jours et le suivi {tracking} "
                    "ne bouge plus depuis une semaine. Pouvez-vous me dire quand je vais le "
                    "recevoir ? Merci, {name}"
                ),
            ),
            (
                "commande {order}",
                (
                    "bonjour quand est ce que ma commende va partir ?? ça fait {days} jours et "
                    "toujours pas de numéro de suivi"
                ),
            ),
            (
                "Délai de livraison",
                (
                    "Bonjour, j'ai besoin de la commande {order} avant samedi prochain, c'est pour "
                    "un anniversaire. Pouvez-vous me confirmer qu'elle arrivera à temps ? "
                    "Cordialement, {name}"
                ),
            ),
        ],
        "not_received": [
            (
                "Colis indiqué livré mais pas reçu",
                (
                    "Bonjour, le suivi {tracking} indique que le colis a été livré hier mais je "
                    "n'ai rien reçu, ni dans ma boîte aux lettres ni chez les voisins. Merci de "
                    "faire le nécessaire auprès de Colissimo. {name}"
                ),
            ),
            (
                "JAMAIS REÇU",
                (
                    "Commande {order} passée il y a plus de {days} jours et toujours RIEN. Si je "
                    "ne suis pas remboursé d'ici vendredi j'ouvre un litige PayPal."
                ),
            ),
            (
                "Colis non reçu",
                (
                    "Bonjour, ma commande {order} n'est toujours pas arrivée et le suivi est "
                    "bloqué depuis deux semaines. Pouvez-vous ouvrir une enquête auprès du "
                    "transporteur ou me renvoyer le colis ? Merci"
                ),
            ),
        ],
        "damaged_item": [
            (
                "Article arrivé cassé",
                (
                    "Bonjour, {product} est arrivé aujourd'hui avec l'écran fissuré, le carton "
                    "était écrasé. J'ai des photos si besoin. Pouvez-vous m'en renvoyer un ? {name}"
                ),
            ),
            (
                "produit défectueux",
                "le {product} ne s'allume pas du tout, j'ai essayé deux câbles différents. commande {order}",
            ),
            (
                "Très déçue – commande {order}",
                (
                    "Le colis était trempé et la moitié des articles sont cassés. C'est la "
                    "deuxième fois avec votre boutique. Je veux un remboursement complet, sinon je "
                    "laisse un avis 1 étoile partout."
                ),
            ),
        ],
        "wrong_item": [
            (
                "Mauvaise taille reçue",
                (
                    "Bonjour, j'ai commandé {product} en taille M et j'ai reçu du XL. Commande "
                    "{order}. Comment faire pour l'échanger ? Merci, {name}"
                ),
            ),
            (
                "pas le bon article",
                (
                    "j'ai reçu un truc qui n'a rien à voir, une coque de téléphone ?? moi j'avais "
                    "commandé {product}. merci de corriger vite"
                ),
            ),
            (
                "Mauvaise couleur",
                (
                    "Bonjour, j'avais choisi noir et j'ai reçu bleu marine. C'est un cadeau donc "
                    "j'ai vraiment besoin de la bonne couleur. Que dois-je faire de celui-ci ? "
                    "Bien à vous, {name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "Article manquant",
                (
                    "Bonjour, ma commande {order} comprenait trois articles mais il n'y en avait "
                    "que deux dans le colis. Il manque {product}. Pouvez-vous l'envoyer ? {name}"
                ),
            ),
            (
                "il manque un truc",
                "sur le bon de livraison il y a {product} mais il était pas dans le carton. il est où ?",
            ),
            (
                "Accessoire manquant",
                (
                    "Bonjour, le chargeur qui devait être fourni avec {product} n'est pas dans la "
                    "boîte. A-t-il été envoyé à part ? Si oui merci de me donner le numéro de "
                    "suivi. Cordialement, {name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "Non conforme à la description",
                (
                    "{product} ne ressemble pas du tout aux photos. La matière fait bon marché et "
                    "la couleur est beaucoup plus claire. Je souhaite le retourner. {name}"
                ),
            ),
            (
                "guide des tailles faux",
                (
                    "j'ai suivi votre guide des tailles à la lettre et c'est deux tailles trop "
                    "petit. commande {order}. c'est trompeur"
                ),
            ),
            (
                "Autonomie mensongère",
                (
                    "L'annonce indique 30 heures d'autonomie, {product} tient à peine 4 heures. "
                    "C'est de la publicité mensongère. Je veux être remboursé ou je signale "
                    "l'annonce. {name}"
                ),
            ),
        ],
        "return_request": [
            (
                "Demande de retour – commande {order}",
                (
                    "Bonjour, je souhaite retourner {product}, la taille ne me va pas. Jamais "
                    "porté, étiquettes encore attachées. Comment procéder ? Merci, {name}"
                ),
            ),
            (
                "retour",
                (
                    "j'ai changé d'avis pour le {product}, je peux le renvoyer et être remboursé ? "
                    "reçu il y a {days} jours"
                ),
            ),
            (
                "Retour et échange",
                (
                    "Bonjour, les chaussures sont trop étroites pour moi. Puis-je les retourner et "
                    "commander la pointure au-dessus ? Les frais de retour sont-ils à ma charge ? "
                    "Cordialement, {name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "Où est mon remboursement ?",
                (
                    "Bonjour, j'ai renvoyé {product} il y a {days} jours et le suivi {tracking} "
                    "indique que vous l'avez reçu. Je n'ai toujours pas été remboursée. "
                    "Pouvez-vous vérifier ? {name}"
                ),
            ),
            (
                "remboursement pas reçu",
                (
                    "vous m'avez dit que le remboursement était fait il y a une semaine mais rien "
                    "sur ma carte. envoyez moi une preuve svp"
                ),
            ),
            (
                "Remboursement toujours en attente",
                (
                    "On m'a promis un remboursement pour la commande {order} il y a {days} jours. "
                    "Si l'argent n'est pas revenu lundi, je fais opposition auprès de ma banque."
                ),
            ),
        ],
        "cancel_order": [
            (
                "Annulation commande {order}",
                (
                    "Bonjour, merci d'annuler ma commande {order}, je me suis trompé de modèle. "
                    "Elle n'est pas encore expédiée. Merci ! {name}"
                ),
            ),
            (
                "annuler",
                "je veux annuler ma commande {order}, trouvé moins cher ailleurs",
            ),
            (
                "Annulation – délai trop long",
                (
                    "Bonjour, cela fait {days} jours et ma commande n'est toujours pas expédiée. "
                    "Je n'ai plus besoin de {product}, merci d'annuler et de me rembourser. "
                    "Cordialement, {name}"
                ),
            ),
        ],
        "change_order": [
            (
                "Modifier l'adresse de livraison",
                (
                    "Bonjour, je viens de passer la commande {order} et j'ai mis mon ancienne "
                    "adresse. Pouvez-vous la changer pour le 8 rue des Lilas, 69003 Lyon ? Merci ! "
                    "{name}"
                ),
            ),
            (
                "changer la taille",
                (
                    "est ce que je peux changer la taille du {product} de L à M ? commande {order}"
                    ", j'espère qu'elle est pas encore partie"
                ),
            ),
            (
                "Ajouter un article",
                (
                    "Bonjour, est-il possible d'ajouter un deuxième {product} à la commande {order}"
                    " et de tout envoyer ensemble ? Aussi, mon numéro de téléphone est faux, le "
                    "dernier chiffre est un 4. Merci, {name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "Frais de douane à payer ?",
                (
                    "Bonjour, le livreur me demande 23 € de TVA et frais de dédouanement pour "
                    "livrer la commande {order}. Votre site indiquait que tout était inclus. "
                    "Pourquoi dois-je payer ? {name}"
                ),
            ),
            (
                "colis bloqué en douane",
                (
                    "le suivi {tracking} dit retenu en douane depuis {days} jours. je dois faire "
                    "quoi ? vous devez leur envoyer une facture ?"
                ),
            ),
            (
                "Droits de douane – hors de question",
                (
                    "Je ne vais pas payer 40 € de douane pour une commande de 25 €. Soit vous "
                    "prenez en charge, soit je refuse le colis et je veux être remboursé."
                ),
            ),
        ],
        "product_question": [
            (
                "Compatible iPhone 15 ?",
                (
                    "Bonjour, {product} est-il compatible avec l'iPhone 15 Pro ? Et est-ce que ça "
                    "marche avec MagSafe ? Merci, {name}"
                ),
            ),
            (
                "question taille",
                "bonjour quelle taille prendre pour le {product} ? je fais 1m65 et je porte du 38 d'habitude",
            ),
            (
                "Comment l'appairer ?",
                (
                    "Bonjour, j'ai reçu {product} mais je n'arrive pas à le connecter à mon "
                    "téléphone en Bluetooth. La notice n'est pas en français. Pouvez-vous m'aider "
                    "? Cordialement, {name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "Facture pour la commande {order}",
                (
                    "Bonjour, pourriez-vous m'envoyer une facture avec TVA pour la commande {order}"
                    " ? J'en ai besoin pour ma société. Raison sociale et numéro de TVA "
                    "ci-dessous. Merci, {name}"
                ),
            ),
            (
                "facture",
                "je peux avoir une facture pour la commande {order} ? c'est pour la garantie",
            ),
            (
                "Facture incomplète",
                (
                    "Bonjour, il manque l'adresse de notre entreprise et le SIRET sur la facture "
                    "jointe. Pourriez-vous la rééditer avec toutes les informations ? Bien "
                    "cordialement, {name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "Débité deux fois",
                (
                    "Bonjour, j'ai été débité deux fois pour la commande {order}, les deux "
                    "paiements apparaissent sur mon relevé. Merci de rembourser le doublon. {name}"
                ),
            ),
            (
                "paiement refusé mais argent débité",
                (
                    "le site a dit paiement échoué mais l'argent a quand même été pris sur mon "
                    "compte. j'ai une commande ou pas ??"
                ),
            ),
            (
                "Montant incorrect",
                (
                    "Bonjour, le prix affiché était 29,99 € mais j'ai été débitée de 34,99 € pour "
                    "{product}. Pouvez-vous rembourser la différence ? Sinon je conteste auprès de "
                    "ma banque. {name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "Merci !",
                (
                    "Je voulais juste dire que {product} est arrivé très vite et il est parfait. "
                    "Je recommanderai sans hésiter ! {name}"
                ),
            ),
            (
                "super service",
                "merci d'avoir renvoyé le remplacement aussi vite, vraiment top !",
            ),
            (
                "Cliente satisfaite",
                (
                    "Bonjour, commande {order} reçue aujourd'hui, tout était bien emballé et la "
                    "qualité est meilleure que prévu. Merci aussi au service client ! Belle "
                    "journée, {name}"
                ),
            ),
        ],
        "other": [
            (
                "Demande de prix de gros",
                (
                    "Bonjour, je tiens une petite boutique à Bordeaux et je serais intéressé par "
                    "{product} en grande quantité (200 pièces et plus). Proposez-vous des tarifs "
                    "revendeurs ? Cordialement, {name}"
                ),
            ),
            (
                "collab ?",
                (
                    "coucou ! je suis créatrice de contenu avec 50k abonnés sur insta, j'adorerais "
                    "collaborer avec votre marque. dites moi !"
                ),
            ),
            (
                "Suppression de compte",
                (
                    "Merci de supprimer mon compte et toutes mes données personnelles (RGPD) et de "
                    "me désinscrire de la newsletter. {name}"
                ),
            ),
        ],
    },
    "es": {
        "where_is_my_order": [
            (
                "¿Dónde está mi pedido?",
                (
                    "Hola, compré {product} hace {days} días y el seguimiento {tracking} no se "
                    "actualiza desde hace una semana. ¿Me podéis decir cuándo llega? Gracias, "
                    "{name}"
                ),
            ),
            (
                "pedido {order}",
                (
                    "hola cuando me vais a enviar el pedido?? llevo {days} dias esperando y ni "
                    "numero de seguimiento"
                ),
            ),
            (
                "Fecha de entrega",
                (
                    "Buenos días, necesito el pedido {order} antes del sábado que viene porque es "
                    "un regalo de cumpleaños. ¿Podrían confirmarme si llegará a tiempo? Un saludo, "
                    "{name}"
                ),
            ),
        ],
        "not_received": [
            (
                "Pone entregado pero no lo tengo",
                (
                    "Hola, el seguimiento {tracking} dice que se entregó ayer pero yo no he "
                    "recibido nada. He preguntado a los vecinos y al portero. ¿Qué vais a hacer? "
                    "{name}"
                ),
            ),
            (
                "NUNCA LLEGÓ MI PEDIDO",
                (
                    "Hice el pedido {order} hace más de {days} días y NO he recibido NADA. Si no "
                    "me devolvéis el dinero antes del viernes abro una disputa en PayPal."
                ),
            ),
            (
                "Paquete no recibido",
                (
                    "Hola, mi pedido {order} sigue sin llegar y el seguimiento lleva dos semanas "
                    "parado en el mismo punto. ¿Podéis reclamar a la empresa de transporte o "
                    "enviarlo de nuevo? Gracias"
                ),
            ),
        ],
        "damaged_item": [
            (
                "Producto llegó roto",
                (
                    "Hola, hoy me ha llegado {product} con la pantalla rajada y la caja aplastada. "
                    "Tengo fotos si las necesitáis. ¿Me podéis mandar otro? {name}"
                ),
            ),
            (
                "defectuoso",
                "el {product} no enciende, he probado con dos cables distintos. pedido {order}",
            ),
            (
                "Muy decepcionada – pedido {order}",
                (
                    "El paquete llegó empapado y la mitad de las cosas rotas. Es la segunda vez "
                    "que me pasa con vuestra tienda. Quiero el reembolso completo o dejaré una "
                    "reseña de 1 estrella."
                ),
            ),
        ],
        "wrong_item": [
            (
                "Talla equivocada",
                (
                    "Hola, pedí {product} en talla M y me ha llegado una XL. Pedido {order}. ¿Cómo "
                    "hago el cambio? Gracias, {name}"
                ),
            ),
            (
                "me mandaron otra cosa",
                (
                    "me ha llegado algo que no tiene nada que ver, una funda de móvil?? yo pedí "
                    "{product}. arregladlo ya por favor"
                ),
            ),
            (
                "Color equivocado",
                (
                    "Hola, elegí el negro y me ha llegado azul marino. Es para regalar así que "
                    "necesito el color correcto. ¿Qué hago con este? Saludos, {name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "Falta un artículo",
                (
                    "Hola, en el pedido {order} compré tres cosas pero en el paquete solo venían "
                    "dos. Falta {product}. ¿Me lo podéis enviar? {name}"
                ),
            ),
            (
                "pedido incompleto",
                "en el albarán aparece {product} pero en la caja no estaba. dónde está?",
            ),
            (
                "Falta el cargador",
                (
                    "Buenas, el cargador que debía venir con {product} no está en la caja. ¿Se ha "
                    "enviado por separado? Si es así, pasadme el número de seguimiento por favor. "
                    "Un saludo, {name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "No es como en la descripción",
                (
                    "{product} no se parece en nada a las fotos. El material es de mala calidad y "
                    "el color mucho más claro. Quiero devolverlo. {name}"
                ),
            ),
            (
                "la guía de tallas está mal",
                (
                    "seguí vuestra guía de tallas al pie de la letra y me queda dos tallas "
                    "pequeño. pedido {order}. es engañoso"
                ),
            ),
            (
                "La batería no dura lo anunciado",
                (
                    "En el anuncio pone 30 horas de batería y {product} dura unas 4 horas. Eso es "
                    "publicidad engañosa. Quiero el reembolso o denunciaré el anuncio. {name}"
                ),
            ),
        ],
        "return_request": [
            (
                "Solicitud de devolución – pedido {order}",
                (
                    "Hola, quiero devolver {product}, no me queda bien. Está sin usar y con la "
                    "etiqueta puesta. ¿Cómo lo envío? Gracias, {name}"
                ),
            ),
            (
                "devolucion",
                (
                    "he cambiado de opinión con el {product}, puedo devolverlo y que me devolváis "
                    "el dinero? lo recibí hace {days} días"
                ),
            ),
            (
                "Devolución y cambio",
                (
                    "Hola, las zapatillas me aprietan. ¿Puedo devolverlas y pedir un número más? "
                    "¿Y quién paga el envío de la devolución? Un saludo, {name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "¿Dónde está mi reembolso?",
                (
                    "Hola, devolví {product} hace {days} días y el seguimiento {tracking} dice que "
                    "lo habéis recibido. Todavía no me ha llegado el dinero. ¿Podéis revisarlo? "
                    "{name}"
                ),
            ),
            (
                "no me ha llegado el reembolso",
                (
                    "me dijisteis que hicisteis el reembolso hace una semana pero en mi tarjeta no "
                    "hay nada. mandadme el justificante porfa"
                ),
            ),
            (
                "Reembolso pendiente desde hace semanas",
                (
                    "Me prometieron el reembolso del pedido {order} hace {days} días. Si el lunes "
                    "no tengo el dinero, hago un contracargo con mi banco."
                ),
            ),
        ],
        "cancel_order": [
            (
                "Cancelar pedido {order}",
                (
                    "Hola, por favor cancelad mi pedido {order}, me equivoqué de modelo. Todavía "
                    "no se ha enviado. ¡Gracias! {name}"
                ),
            ),
            (
                "cancelar",
                "quiero cancelar el pedido {order}, lo he encontrado más barato en otro sitio",
            ),
            (
                "Cancelación – tarda demasiado",
                (
                    "Hola, llevo {days} días esperando y el pedido sigue sin enviarse. Ya no "
                    "necesito {product}, cancelad y devolvedme el dinero. Saludos, {name}"
                ),
            ),
        ],
        "change_order": [
            (
                "Cambiar dirección de envío",
                (
                    "Hola, acabo de hacer el pedido {order} y puse mi dirección antigua. ¿Podéis "
                    "cambiarla a Calle Mayor 23, 3ºB, 28013 Madrid? ¡Gracias! {name}"
                ),
            ),
            (
                "cambiar talla",
                (
                    "puedo cambiar el {product} de la talla L a la M? pedido {order}, espero que "
                    "no haya salido aún"
                ),
            ),
            (
                "Añadir un artículo",
                (
                    "Buenas, ¿podría añadir otro {product} al pedido {order} y que se envíe todo "
                    "junto? Además el teléfono está mal, el último número es un 5. Gracias, {name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "Me piden pagar aduana",
                (
                    "Hola, Correos me pide 23 € de IVA y gestión aduanera para entregarme el "
                    "pedido {order}. En vuestra web ponía que estaba todo incluido. ¿Por qué tengo "
                    "que pagar? {name}"
                ),
            ),
            (
                "paquete retenido en aduana",
                (
                    "el seguimiento {tracking} dice retenido en aduanas desde hace {days} días. "
                    "qué tengo que hacer? tenéis que mandarles la factura?"
                ),
            ),
            (
                "Aduanas – no pienso pagar",
                (
                    "No voy a pagar 40 € de aduana por un pedido de 25 €. O lo pagáis vosotros o "
                    "rechazo el paquete y quiero mi dinero."
                ),
            ),
        ],
        "product_question": [
            (
                "¿Sirve para Samsung?",
                (
                    "Hola, ¿{product} es compatible con el Samsung Galaxy S23? ¿Y trae cargador o "
                    "solo el cable? Gracias, {name}"
                ),
            ),
            (
                "duda de talla",
                "hola que talla me pido del {product}? mido 1,68 y normalmente uso una M",
            ),
            (
                "Cómo se empareja",
                (
                    "Hola, me ha llegado {product} pero no consigo conectarlo al móvil por "
                    "Bluetooth. Las instrucciones no vienen en español. ¿Me podéis ayudar? Un "
                    "saludo, {name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "Factura del pedido {order}",
                (
                    "Hola, ¿podrían enviarme factura con IVA del pedido {order}? La necesito para "
                    "la empresa. Os dejo abajo la razón social y el CIF. Gracias, {name}"
                ),
            ),
            (
                "factura",
                "me podéis mandar factura del pedido {order}? es para la garantía",
            ),
            (
                "Factura incompleta",
                (
                    "Buenas, en la factura que me enviasteis falta la dirección de la empresa. "
                    "¿Podríais emitirla de nuevo con todos los datos? Saludos cordiales, {name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "Cobro duplicado",
                (
                    "Hola, me habéis cobrado dos veces el pedido {order}, aparecen los dos cargos "
                    "en la tarjeta. Por favor devolved el duplicado. {name}"
                ),
            ),
            (
                "pago fallido pero me cobraron",
                (
                    "la web dijo que el pago había fallado pero el dinero se ha descontado de mi "
                    "cuenta. tengo pedido o no??"
                ),
            ),
            (
                "Importe incorrecto",
                (
                    "Hola, el precio en la web era 29,99 € pero me han cobrado 34,99 € por "
                    "{product}. ¿Me devolvéis la diferencia? Si no, lo reclamaré al banco. {name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "¡Gracias!",
                "Solo quería decir que {product} llegó rapidísimo y es perfecto. ¡Repetiré seguro! {name}",
            ),
            (
                "genial el servicio",
                "gracias por mandar el reemplazo tan rápido, de 10!",
            ),
            (
                "Clienta contenta",
                (
                    "Hola, hoy he recibido el pedido {order}, todo muy bien embalado y la calidad "
                    "mejor de lo que esperaba. ¡Gracias también al equipo de atención al cliente! "
                    "Un abrazo, {name}"
                ),
            ),
        ],
        "other": [
            (
                "Consulta venta al por mayor",
                (
                    "Hola, tengo una tienda pequeña en Valencia y me interesa comprar {product} en "
                    "cantidad (más de 200 unidades). ¿Tenéis precios para mayoristas? Saludos, "
                    "{name}"
                ),
            ),
            (
                "colaboración?",
                (
                    "holaa! soy creadora de contenido con 50k seguidores en instagram y me "
                    "encantaría colaborar con vuestra marca. me decís!"
                ),
            ),
            (
                "Dejad de mandarme correos",
                (
                    "Me llegan tres correos de publicidad al día. Quiero darme de baja de todo y "
                    "que borréis mis datos. Gracias, {name}"
                ),
            ),
        ],
    },
    "it": {
        "where_is_my_order": [
            (
                "Dov'è il mio ordine?",
                (
                    "Buongiorno, ho ordinato {product} {days} giorni fa e il tracking {tracking} "
                    "non si aggiorna da una settimana. Quando arriverà? Grazie, {name}"
                ),
            ),
            (
                "ordine {order}",
                (
                    "ciao quando spedite il mio ordine?? sono {days} giorni che aspetto e non ho "
                    "ancora il codice di tracciamento"
                ),
            ),
            (
                "Tempi di consegna",
                (
                    "Salve, avrei bisogno dell'ordine {order} entro sabato prossimo perché è un "
                    "regalo di compleanno. Potete confermarmi che arriverà in tempo? Cordiali "
                    "saluti, {name}"
                ),
            ),
        ],
        "not_received": [
            (
                "Risulta consegnato ma non l'ho ricevuto",
                (
                    "Buongiorno, il tracking {tracking} dice che il pacco è stato consegnato ieri, "
                    "ma io non ho ricevuto niente. Ho chiesto anche ai vicini e al portiere. Come "
                    "risolviamo? {name}"
                ),
            ),
            (
                "MAI ARRIVATO",
                (
                    "Ho fatto l'ordine {order} più di {days} giorni fa e non ho ricevuto NIENTE. "
                    "Se entro venerdì non ho il rimborso apro una contestazione su PayPal."
                ),
            ),
            (
                "Pacco non ricevuto",
                (
                    "Salve, il mio ordine {order} non è ancora arrivato e il tracciamento è fermo "
                    "da due settimane. Potete aprire una pratica con il corriere o rispedirlo? "
                    "Grazie"
                ),
            ),
        ],
        "damaged_item": [
            (
                "Prodotto arrivato rotto",
                (
                    "Buongiorno, {product} è arrivato oggi con lo schermo crepato e la scatola "
                    "schiacciata. Ho le foto se servono. Potete mandarmene un altro? {name}"
                ),
            ),
            (
                "difettoso",
                "il {product} non si accende proprio, ho provato due cavi diversi. ordine {order}",
            ),
            (
                "Molto delusa – ordine {order}",
                (
                    "Il pacco era bagnato fradicio e metà degli articoli sono rotti. È la seconda "
                    "volta con il vostro negozio. Voglio il rimborso completo, altrimenti lascio "
                    "una recensione da 1 stella."
                ),
            ),
        ],
        "wrong_item": [
            (
                "Taglia sbagliata",
                (
                    "Salve, ho ordinato {product} in taglia M e mi è arrivata una XL. Ordine "
                    "{order}. Come faccio a cambiarla? Grazie, {name}"
                ),
            ),
            (
                "articolo sbagliato",
                (
                    "mi è arrivata tutt'altra cosa, una cover per telefono?? io avevo ordinato "
                    "{product}. sistemate per favore"
                ),
            ),
            (
                "Colore sbagliato",
                (
                    "Buongiorno, avevo scelto il nero ma mi è arrivato blu navy. È un regalo "
                    "quindi mi serve il colore giusto. Cosa devo fare con questo? Saluti, {name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "Manca un articolo",
                (
                    "Buongiorno, nell'ordine {order} c'erano tre articoli ma nel pacco ne ho "
                    "trovati solo due. Manca {product}. Potete spedirlo? {name}"
                ),
            ),
            (
                "ordine incompleto",
                "sulla bolla c'è scritto {product} ma nella scatola non c'era. dov'è finito?",
            ),
            (
                "Manca il caricatore",
                (
                    "Salve, il caricatore che dovrebbe essere incluso con {product} non è nella "
                    "confezione. È stato spedito a parte? In tal caso mi mandate il numero di "
                    "tracking? Cordiali saluti, {name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "Non corrisponde alla descrizione",
                (
                    "{product} non assomiglia per niente alle foto. Il materiale è scadente e il "
                    "colore molto più chiaro. Vorrei restituirlo. {name}"
                ),
            ),
            (
                "tabella taglie sbagliata",
                (
                    "ho seguito la vostra tabella taglie alla lettera ed è due taglie più piccolo. "
                    "ordine {order}. è ingannevole"
                ),
            ),
            (
                "Autonomia falsa",
                (
                    "Nell'annuncio c'è scritto 30 ore di autonomia, {product} dura sì e no 4 ore. "
                    "È pubblicità ingannevole. Voglio il rimborso o segnalo l'inserzione. {name}"
                ),
            ),
        ],
        "return_request": [
            (
                "Richiesta di reso – ordine {order}",
                (
                    "Buongiorno, vorrei restituire {product}, non mi sta bene. Mai indossato, con "
                    "cartellino. Come devo procedere? Grazie, {name}"
                ),
            ),
            (
                "reso",
                (
                    "ho cambiato idea sul {product}, posso rimandarlo indietro e avere i soldi? "
                    "ricevuto {days} giorni fa"
                ),
            ),
            (
                "Reso e cambio",
                (
                    "Salve, le scarpe mi stanno strette. Posso renderle e ordinare un numero in "
                    "più? Le spese di reso sono a carico mio? Cordiali saluti, {name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "Dov'è il mio rimborso?",
                (
                    "Buongiorno, ho rispedito {product} {days} giorni fa e il tracking {tracking} "
                    "dice che l'avete ricevuto. Il rimborso non è ancora arrivato. Potete "
                    "controllare? {name}"
                ),
            ),
            (
                "rimborso non arrivato",
                (
                    "mi avete scritto che il rimborso è stato fatto una settimana fa ma sulla "
                    "carta non c'è niente. mandatemi la ricevuta per favore"
                ),
            ),
            (
                "Rimborso in sospeso da settimane",
                (
                    "Mi è stato promesso il rimborso dell'ordine {order} {days} giorni fa. Se "
                    "lunedì i soldi non ci sono, faccio chargeback tramite la banca."
                ),
            ),
        ],
        "cancel_order": [
            (
                "Annullare ordine {order}",
                (
                    "Buongiorno, per favore annullate il mio ordine {order}, ho sbagliato modello. "
                    "Non è ancora stato spedito. Grazie! {name}"
                ),
            ),
            (
                "annullare",
                "voglio annullare l'ordine {order}, l'ho trovato a meno altrove",
            ),
            (
                "Annullamento – tempi troppo lunghi",
                (
                    "Salve, sono passati {days} giorni e l'ordine non è ancora partito. Non mi "
                    "serve più {product}, annullate e rimborsatemi per favore. Saluti, {name}"
                ),
            ),
        ],
        "change_order": [
            (
                "Modifica indirizzo di spedizione",
                (
                    "Buongiorno, ho appena fatto l'ordine {order} e ho messo il vecchio indirizzo. "
                    "Potete cambiarlo in Via Garibaldi 15, 20121 Milano? Grazie mille! {name}"
                ),
            ),
            (
                "cambio taglia",
                "posso cambiare il {product} dalla L alla M? ordine {order}, spero non sia ancora partito",
            ),
            (
                "Aggiungere un articolo",
                (
                    "Salve, posso aggiungere un secondo {product} all'ordine {order} e spedire "
                    "tutto insieme? Inoltre il numero di telefono è sbagliato, l'ultima cifra è 3. "
                    "Grazie, {name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "Devo pagare la dogana?",
                (
                    "Buongiorno, il corriere mi chiede 23 € di IVA e diritti doganali per "
                    "consegnarmi l'ordine {order}. Sul sito c'era scritto tutto incluso. Perché "
                    "devo pagare? {name}"
                ),
            ),
            (
                "pacco fermo in dogana",
                (
                    "il tracking {tracking} dice fermo in dogana da {days} giorni. cosa devo fare? "
                    "dovete mandargli la fattura voi?"
                ),
            ),
            (
                "Dazi – non pago",
                (
                    "Non pago 40 € di dogana per un ordine da 25 €. O li pagate voi o rifiuto il "
                    "pacco e rivoglio i miei soldi."
                ),
            ),
        ],
        "product_question": [
            (
                "Va in lavastoviglie?",
                (
                    "Buongiorno, {product} si può lavare in lavastoviglie? E il materiale è adatto "
                    "al contatto con gli alimenti? Grazie, {name}"
                ),
            ),
            (
                "domanda taglia",
                "ciao che taglia prendo del {product}? sono alta 1,65 e di solito porto la 42",
            ),
            (
                "Come si collega?",
                (
                    "Buongiorno, ho ricevuto {product} ma non riesco a collegarlo al telefono via "
                    "Bluetooth. Le istruzioni non sono in italiano. Mi potete aiutare? Saluti, "
                    "{name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "Fattura ordine {order}",
                (
                    "Buongiorno, potreste inviarmi la fattura per l'ordine {order}? Mi serve per "
                    "la mia partita IVA, vi lascio i dati qui sotto. Grazie, {name}"
                ),
            ),
            (
                "fattura",
                "posso avere una fattura o una ricevuta dell'ordine {order}? serve per la garanzia",
            ),
            (
                "Fattura incompleta",
                (
                    "Salve, nella fattura allegata mancano l'indirizzo della società e il codice "
                    "fiscale. Potreste riemetterla con tutti i dati? Cordiali saluti, {name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "Addebito doppio",
                (
                    "Buongiorno, mi avete addebitato due volte l'ordine {order}, vedo entrambi i "
                    "pagamenti sull'estratto conto. Per favore rimborsate quello doppio. {name}"
                ),
            ),
            (
                "pagamento fallito ma soldi presi",
                (
                    "il sito diceva pagamento non riuscito ma i soldi mi sono stati scalati dal "
                    "conto. ho un ordine o no??"
                ),
            ),
            (
                "Importo sbagliato",
                (
                    "Salve, il prezzo sul sito era 29,99 € ma mi sono stati addebitati 34,99 € per "
                    "{product}. Mi rimborsate la differenza? Altrimenti contesto l'addebito con la "
                    "banca. {name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "Grazie!",
                (
                    "Volevo solo dire che {product} è arrivato velocissimo ed è perfetto. "
                    "Riordinerò sicuramente! {name}"
                ),
            ),
            (
                "servizio top",
                "grazie per aver mandato la sostituzione così in fretta, bravissimi!",
            ),
            (
                "Cliente soddisfatta",
                (
                    "Buongiorno, ordine {order} ricevuto oggi, tutto ben imballato e la qualità è "
                    "migliore del previsto. Grazie anche all'assistenza clienti! Un saluto, {name}"
                ),
            ),
        ],
        "other": [
            (
                "Richiesta ingrosso",
                (
                    "Buongiorno, ho un piccolo negozio a Bologna e sarei interessato a {product} "
                    "in grandi quantità (oltre 200 pezzi). Avete prezzi all'ingrosso? Cordiali "
                    "saluti, {name}"
                ),
            ),
            (
                "SMS strano, siete voi?",
                (
                    "ciao, mi è arrivato un sms che dice di pagare 1,99 € per sbloccare un pacco "
                    "in giacenza con un link strano. è vostro o è una truffa?"
                ),
            ),
            (
                "Cancellazione account",
                (
                    "Vi chiedo di cancellare il mio account e tutti i miei dati personali ai sensi "
                    "del GDPR e di togliermi dalla newsletter. {name}"
                ),
            ),
        ],
    },
    "ja": {
        "where_is_my_order": [
            (
                "注文した商品はいつ届きますか",
                (
                    "{days}日前に{product}を注文しましたが、追跡番号{tracking}の情報が一週間ほど更"
                    "新されていません。いつ頃届く予定でしょうか。よろしくお願いいたします。{name}"
                ),
            ),
            (
                "発送状況について",
                "注文番号{order}、まだ発送されてないんですか？{days}日待ってますが追跡番号も来ていません。",
            ),
            (
                "お届け日の確認",
                (
                    "お世話になっております。注文番号{order}の件ですが、誕生日プレゼントのため来週"
                    "の土曜日までに必要です。間に合うかどうか教えていただけますか。{name}"
                ),
            ),
        ],
        "not_received": [
            (
                "配達済みになっているのに届いていません",
                (
                    "追跡番号{tracking}で「配達完了」となっていますが、荷物を受け取っていません。宅"
                    "配ボックスや近所も確認しました。至急調査をお願いします。{name}"
                ),
            ),
            (
                "商品が届きません",
                (
                    "注文{order}から{days}日以上経ちますが、まだ何も届いていません。今週中に返金か"
                    "再送の対応がなければ、PayPalに申し立てます。"
                ),
            ),
            (
                "荷物未着",
                (
                    "注文番号{order}の荷物がまだ届きません。追跡情報も2週間止まったままです。配送業"
                    "者に確認するか、再発送していただけないでしょうか。"
                ),
            ),
        ],
        "damaged_item": [
            (
                "商品が破損していました",
                (
                    "本日{product}が届きましたが、画面にひびが入っていて、箱もつぶれていました。写"
                    "真もあります。交換していただけますか。{name}"
                ),
            ),
            (
                "初期不良",
                "{product}の電源が全く入りません。ケーブルを2本試しました。注文番号{order}",
            ),
            (
                "とても残念です（注文{order}）",
                (
                    "箱が濡れていて、中身の半分が割れていました。御社で注文してこういうことは2回目"
                    "です。全額返金してください。対応がなければ星1のレビューを書きます。"
                ),
            ),
        ],
        "wrong_item": [
            (
                "サイズ違いの商品が届きました",
                (
                    "{product}をMサイズで注文しましたが、届いたのはXLでした。注文番号{order}です。"
                    "交換の方法を教えてください。{name}"
                ),
            ),
            (
                "違う商品が届いた",
                (
                    "全然違うもの（スマホケース？）が入ってました。注文したのは{product}です。早く"
                    "対応してください"
                ),
            ),
            (
                "色が違います",
                (
                    "ブラックを選んだのですが、ネイビーが届きました。プレゼント用なので正しい色が必"
                    "要です。こちらの商品はどうすればよいでしょうか。{name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "商品が一点足りません",
                (
                    "注文{order}で3点購入しましたが、届いたのは2点だけでした。{product}が入っていま"
                    "せん。送っていただけますか。{name}"
                ),
            ),
            (
                "同梱漏れ",
                "納品書には{product}と書いてあるのに、箱に入っていませんでした。",
            ),
            (
                "付属品が入っていません",
                (
                    "{product}に付属しているはずの充電ケーブルが入っていませんでした。別送でしょう"
                    "か？その場合は追跡番号を教えてください。よろしくお願いします。{name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "商品説明と違います",
                (
                    "{product}が写真と全然違います。生地が薄くて安っぽく、色もかなり薄いです。返品"
                    "したいです。{name}"
                ),
            ),
            (
                "サイズ表が合っていない",
                (
                    "サイズ表どおりに選んだのに、2サイズくらい小さいです。注文番号{order}。誤解を招"
                    "く表記だと思います。"
                ),
            ),
            (
                "バッテリー持ちが記載と違う",
                (
                    "商品ページには連続再生30時間とありますが、{product}は4時間ほどで切れます。これ"
                    "は誇大広告ではないでしょうか。返金していただけない場合は通報します。{name}"
                ),
            ),
        ],
        "return_request": [
            (
                "返品希望（注文{order}）",
                (
                    "{product}のサイズが合わなかったので返品したいです。未着用でタグも付いたままで"
                    "す。手続き方法を教えてください。{name}"
                ),
            ),
            (
                "返品できますか",
                "届いて{days}日ですが、やっぱりイメージと違ったので返品・返金できますか？",
            ),
            (
                "返品と交換について",
                (
                    "靴が少しきついので、返品してワンサイズ大きいものを注文し直したいです。返送料は"
                    "こちら負担になりますか？よろしくお願いいたします。{name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "返金はいつになりますか",
                (
                    "{days}日前に{product}を返送し、追跡番号{tracking}で御社に届いていることを確認"
                    "しました。まだ返金されていません。ご確認お願いします。{name}"
                ),
            ),
            (
                "返金がまだです",
                (
                    "1週間前に返金済みと連絡がありましたが、カードに反映されていません。返金の証明"
                    "を送ってください。"
                ),
            ),
            (
                "返金が遅すぎます",
                (
                    "注文{order}の返金を約束されてから{days}日経ちました。月曜日までに返金されなけ"
                    "れば、カード会社にチャージバックを申請します。"
                ),
            ),
        ],
        "cancel_order": [
            (
                "注文キャンセルのお願い",
                (
                    "注文番号{order}ですが、型番を間違えて注文してしまいました。まだ発送前でしたら"
                    "キャンセルをお願いします。{name}"
                ),
            ),
            (
                "キャンセルしたい",
                "他の店で安く見つけたので注文{order}キャンセルでお願いします",
            ),
            (
                "発送が遅いのでキャンセル",
                (
                    "注文してから{days}日経ってもまだ発送されていません。{product}はもう不要になっ"
                    "たので、キャンセルして返金してください。{name}"
                ),
            ),
        ],
        "change_order": [
            (
                "お届け先の変更",
                (
                    "先ほど注文した{order}ですが、旧住所のままになっていました。新しい住所に変更で"
                    "きますか？住所は別途お送りします。{name}"
                ),
            ),
            (
                "サイズ変更",
                "注文{order}の{product}、LからMに変更できますか？まだ発送されてなければお願いします",
            ),
            (
                "追加注文と同梱",
                (
                    "注文{order}に{product}をもう一つ追加して、同梱で送っていただくことは可能でしょ"
                    "うか。あと電話番号の最後の数字が間違っていたので修正をお願いします。{name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "関税の支払いについて",
                (
                    "配達業者から、注文{order}の受け取りに消費税と通関手数料で2,300円払うように言わ"
                    "れました。サイトには関税込みと書いてありましたが、なぜ支払いが必要なのでしょう"
                    "か。{name}"
                ),
            ),
            (
                "税関で止まっています",
                (
                    "追跡番号{tracking}が{days}日間「税関検査中」のままです。こちらで何かする必要が"
                    "ありますか？インボイスを税関に出してもらう必要がありますか？"
                ),
            ),
            (
                "関税は払いません",
                (
                    "3,000円の商品に関税4,000円はおかしいです。そちらで負担してください。無理なら受"
                    "け取り拒否して返金してもらいます。"
                ),
            ),
        ],
        "product_question": [
            (
                "iPhone 15に対応していますか",
                "{product}はiPhone 15 Proに対応していますか？MagSafeも使えますか？{name}",
            ),
            (
                "サイズについて質問",
                "身長158cmで普段はMサイズです。{product}は何サイズがおすすめですか？",
            ),
            (
                "ペアリング方法",
                (
                    "{product}が届きましたが、スマホとBluetoothで接続できません。説明書が英語と中国"
                    "語だけなので、日本語の手順を教えていただけますか。{name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "領収書の発行について",
                (
                    "注文{order}の領収書を発行していただけますか。会社の経費精算に必要です。宛名は"
                    "「株式会社サンプル」でお願いします。{name}"
                ),
            ),
            (
                "領収書ください",
                "注文{order}の領収書もらえますか？保証の申請に使います",
            ),
            (
                "請求書の記載内容",
                (
                    "送っていただいた請求書に会社の住所と登録番号が記載されていません。再発行をお願"
                    "いできますでしょうか。{name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "二重請求されています",
                (
                    "注文{order}の代金が2回引き落とされています。カードの明細に2件表示されています"
                    "。重複分を返金してください。{name}"
                ),
            ),
            (
                "決済エラーなのに引き落とし",
                "支払い画面でエラーになったのに、口座からお金が引かれています。注文は成立しているんですか？",
            ),
            (
                "請求金額が違います",
                (
                    "サイト上の価格は2,980円でしたが、{product}で3,480円請求されています。差額を返"
                    "金してください。対応がなければカード会社に連絡します。{name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "ありがとうございました",
                "{product}が予定より早く届きました。とても気に入っています。また利用します！{name}",
            ),
            (
                "迅速な対応に感謝",
                "交換品をすぐに送ってくださってありがとうございました。助かりました！",
            ),
            (
                "満足しています",
                (
                    "注文{order}、本日受け取りました。丁寧に梱包されていて、品質も期待以上でした。"
                    "サポートの方の対応も親切でした。ありがとうございます。{name}"
                ),
            ),
        ],
        "other": [
            (
                "卸売りについてのお問い合わせ",
                (
                    "大阪で小さな雑貨店を営んでおります。{product}を200個以上まとめて仕入れたいので"
                    "すが、卸価格はございますか。{name}"
                ),
            ),
            (
                "コラボのご提案",
                (
                    "はじめまして！インスタでフォロワー5万人のインフルエンサーです。御社ブランドと"
                    "コラボさせていただけないでしょうか。"
                ),
            ),
            (
                "アカウント削除の依頼",
                (
                    "アカウントと個人情報をすべて削除し、メールマガジンの配信も停止してください。よ"
                    "ろしくお願いします。{name}"
                ),
            ),
        ],
    },
    "pt": {
        "where_is_my_order": [
            (
                "Cadê meu pedido?",
                (
                    "Oi, comprei {product} faz {days} dias e o rastreio {tracking} não atualiza há "
                    "uma semana. Quando vai chegar? Obrigada, {name}"
                ),
            ),
            (
                "pedido {order}",
                (
                    "oi quando vcs vão enviar meu pedido?? to esperando faz {days} dias e nem "
                    "codigo de rastreio eu tenho"
                ),
            ),
            (
                "Prazo de entrega da encomenda",
                (
                    "Bom dia, preciso da encomenda {order} até sábado que vem, é uma prenda de "
                    "anos. Conseguem confirmar se chega a tempo? Cumprimentos, {name}"
                ),
            ),
        ],
        "not_received": [
            (
                "Consta como entregue mas não recebi",
                (
                    "Olá, o rastreamento {tracking} diz que foi entregue ontem, mas não recebi "
                    "nada. Perguntei na portaria e para os vizinhos. O que vocês vão fazer? {name}"
                ),
            ),
            (
                "NUNCA RECEBI MEU PEDIDO",
                (
                    "Fiz o pedido {order} há mais de {days} dias e NÃO recebi NADA. Se não tiver "
                    "reembolso até sexta vou abrir disputa no PayPal e reclamar no Reclame Aqui."
                ),
            ),
            (
                "Encomenda não chegou",
                (
                    "Olá, a minha encomenda {order} ainda não chegou e o seguimento está parado há "
                    "duas semanas. Podem abrir uma reclamação junto da transportadora ou reenviar? "
                    "Obrigado"
                ),
            ),
        ],
        "damaged_item": [
            (
                "Produto chegou quebrado",
                (
                    "Oi, o {product} chegou hoje com a tela trincada e a caixa toda amassada. "
                    "Tenho fotos se precisarem. Vocês podem mandar outro? {name}"
                ),
            ),
            (
                "com defeito",
                "o {product} não liga de jeito nenhum, testei com dois cabos diferentes. pedido {order}",
            ),
            (
                "Muito decepcionada – pedido {order}",
                (
                    "O pacote chegou encharcado e metade das coisas quebradas. É a segunda vez que "
                    "isso acontece com a loja de vocês. Quero reembolso total, senão vou deixar "
                    "avaliação de 1 estrela."
                ),
            ),
        ],
        "wrong_item": [
            (
                "Tamanho errado",
                (
                    "Olá, pedi {product} no tamanho M e chegou GG. Pedido {order}. Como faço a "
                    "troca? Obrigado, {name}"
                ),
            ),
            (
                "veio produto errado",
                "chegou uma coisa nada a ver, uma capinha de celular?? eu pedi {product}. resolvam por favor",
            ),
            (
                "Cor errada",
                (
                    "Olá, escolhi preto e recebi azul-marinho. É para presente, então preciso da "
                    "cor certa. O que faço com esse? Abraço, {name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "Faltou um item",
                (
                    "Oi, no pedido {order} comprei três itens mas só vieram dois na caixa. Faltou "
                    "o {product}. Podem enviar? {name}"
                ),
            ),
            (
                "pedido incompleto",
                "na nota fiscal tem {product} mas não veio na caixa. cadê?",
            ),
            (
                "Falta o carregador",
                (
                    "Olá, o carregador que deveria vir com o {product} não está na embalagem. Foi "
                    "enviado separado? Se sim, me passem o código de rastreio por favor. Att, "
                    "{name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "Diferente do anúncio",
                (
                    "O {product} não tem nada a ver com as fotos. O material é fraco e a cor bem "
                    "mais clara. Quero devolver. {name}"
                ),
            ),
            (
                "tabela de medidas errada",
                (
                    "segui a tabela de medidas de vocês certinho e ficou dois números menor. "
                    "pedido {order}. isso é propaganda enganosa"
                ),
            ),
            (
                "Bateria não dura o anunciado",
                (
                    "No anúncio diz 30 horas de bateria e o {product} dura umas 4 horas. Quero meu "
                    "dinheiro de volta ou vou denunciar no Procon. {name}"
                ),
            ),
        ],
        "return_request": [
            (
                "Solicitação de devolução – pedido {order}",
                (
                    "Olá, quero devolver o {product}, não serviu. Nunca usei, está com etiqueta. "
                    "Como faço? Obrigada, {name}"
                ),
            ),
            (
                "devolver",
                (
                    "me arrependi da compra do {product}, posso devolver e receber o dinheiro? "
                    "recebi faz {days} dias"
                ),
            ),
            (
                "Devolução e troca",
                (
                    "Olá, as sapatilhas ficaram apertadas. Posso devolver e encomendar um número "
                    "acima? Os portes de devolução são por minha conta? Cumprimentos, {name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "Cadê meu reembolso?",
                (
                    "Oi, devolvi o {product} há {days} dias e o rastreio {tracking} mostra que "
                    "vocês receberam. Até agora nada do reembolso. Podem verificar? {name}"
                ),
            ),
            (
                "reembolso não caiu",
                (
                    "vocês disseram que estornaram faz uma semana mas não apareceu nada no cartão. "
                    "me mandem o comprovante por favor"
                ),
            ),
            (
                "Reembolso pendente há semanas",
                (
                    "Prometeram o reembolso do pedido {order} há {days} dias. Se o dinheiro não "
                    "voltar até segunda, vou pedir chargeback no banco."
                ),
            ),
        ],
        "cancel_order": [
            (
                "Cancelar pedido {order}",
                (
                    "Olá, por favor cancelem meu pedido {order}, comprei o modelo errado. Ainda "
                    "não foi enviado. Obrigado! {name}"
                ),
            ),
            (
                "cancelar",
                "quero cancelar o pedido {order}, achei mais barato em outro lugar",
            ),
            (
                "Cancelamento – demora demais",
                (
                    "Olá, já são {days} dias e o pedido ainda não foi enviado. Não preciso mais do "
                    "{product}, cancelem e me reembolsem. Att, {name}"
                ),
            ),
        ],
        "change_order": [
            (
                "Alterar endereço de entrega",
                (
                    "Oi, acabei de fazer o pedido {order} e coloquei o endereço antigo. Dá pra "
                    "mudar para Rua das Flores, 120, apto 42, São Paulo? Obrigada! {name}"
                ),
            ),
            (
                "trocar tamanho",
                "consigo trocar o {product} do G pro M? pedido {order}, espero que ainda não tenha saído",
            ),
            (
                "Adicionar artigo à encomenda",
                (
                    "Olá, é possível acrescentar mais um {product} à encomenda {order} e enviar "
                    "tudo junto? O número de telemóvel também está errado, o último dígito é 8. "
                    "Obrigado, {name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "Taxa de importação",
                (
                    "Olá, os Correios estão cobrando R$ 120 de imposto de importação para liberar "
                    "o pedido {order}. No site dizia que as taxas estavam incluídas. Por que eu "
                    "tenho que pagar? {name}"
                ),
            ),
            (
                "pacote parado na alfândega",
                (
                    "o rastreio {tracking} diz aguardando fiscalização aduaneira faz {days} dias. "
                    "o que eu faço? vocês precisam mandar nota fiscal?"
                ),
            ),
            (
                "Taxas alfandegárias – não pago",
                (
                    "Não vou pagar 40 € de alfândega por uma encomenda de 25 €. Ou vocês assumem, "
                    "ou recuso a encomenda e quero o dinheiro de volta."
                ),
            ),
        ],
        "product_question": [
            (
                "É bivolt?",
                (
                    "Oi, o {product} é bivolt? Moro em Recife e aqui é 220V. Vem com tomada no "
                    "padrão brasileiro? Valeu, {name}"
                ),
            ),
            (
                "dúvida de tamanho",
                "oi qual tamanho eu pego do {product}? tenho 1,65 e costumo usar M",
            ),
            (
                "Como emparelhar?",
                (
                    "Olá, recebi o {product} mas não consigo ligar ao telemóvel por Bluetooth. As "
                    "instruções não vêm em português. Podem ajudar? Cumprimentos, {name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "Nota fiscal do pedido {order}",
                (
                    "Olá, vocês podem me enviar a nota fiscal do pedido {order}? Preciso para a "
                    "empresa, seguem abaixo razão social e CNPJ. Obrigado, {name}"
                ),
            ),
            (
                "fatura",
                "podem enviar-me a fatura da encomenda {order} com o meu NIF? é para a garantia",
            ),
            (
                "Fatura incompleta",
                (
                    "Bom dia, na fatura enviada falta a morada da empresa. Podem emitir novamente "
                    "com os dados completos? Com os melhores cumprimentos, {name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "Cobrança em duplicidade",
                (
                    "Oi, fui cobrada duas vezes pelo pedido {order}, aparecem as duas compras na "
                    "fatura do cartão. Por favor estornem a duplicada. {name}"
                ),
            ),
            (
                "pagamento recusado mas descontou",
                (
                    "o site disse que o pagamento falhou mas o dinheiro saiu da minha conta. tenho "
                    "pedido ou não??"
                ),
            ),
            (
                "Valor errado",
                (
                    "Olá, o preço no site era R$ 149,90 mas fui cobrado R$ 179,90 pelo {product}. "
                    "Podem devolver a diferença? Caso contrário vou contestar com o banco. {name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "Obrigada!",
                (
                    "Só queria dizer que o {product} chegou super rápido e é perfeito. Com certeza "
                    "vou comprar de novo! {name}"
                ),
            ),
            (
                "atendimento nota 10",
                "obrigado por mandarem a troca tão rápido, atendimento excelente!",
            ),
            (
                "Cliente satisfeita",
                (
                    "Olá, recebi a encomenda {order} hoje, tudo muito bem embalado e a qualidade é "
                    "melhor do que esperava. Obrigada também ao apoio ao cliente! Beijinhos, {name}"
                ),
            ),
        ],
        "other": [
            (
                "Compra no atacado",
                (
                    "Olá, tenho uma lojinha em Curitiba e tenho interesse em comprar o {product} "
                    "em quantidade (mais de 200 unidades). Vocês têm preço de atacado? Att, {name}"
                ),
            ),
            (
                "parceria?",
                (
                    "oii! sou criadora de conteúdo com 50 mil seguidores no insta e adoraria fazer "
                    "uma parceria com a marca de vocês. me chamem!"
                ),
            ),
            (
                "Excluir minha conta",
                (
                    "Por favor, excluam minha conta e todos os meus dados pessoais conforme a LGPD "
                    "e me descadastrem da newsletter. {name}"
                ),
            ),
        ],
    },
    "nl": {
        "where_is_my_order": [
            (
                "Waar blijft mijn bestelling?",
                (
                    "Hoi, ik heb {days} dagen geleden {product} besteld en de track & trace "
                    "{tracking} is al een week niet bijgewerkt. Wanneer komt het aan? Groetjes, "
                    "{name}"
                ),
            ),
            (
                "bestelling {order}",
                (
                    "hallo wanneer wordt mijn bestelling nou verzonden?? wacht al {days} dagen en "
                    "heb nog geen trackingcode"
                ),
            ),
            (
                "Levertijd",
                (
                    "Goedemorgen, ik heb bestelling {order} uiterlijk volgende zaterdag nodig, het "
                    "is een verjaardagscadeau. Kunt u bevestigen dat het op tijd aankomt? Met "
                    "vriendelijke groet, {name}"
                ),
            ),
        ],
        "not_received": [
            (
                "Bezorgd volgens tracking, maar niks ontvangen",
                (
                    "Hallo, volgens track & trace {tracking} is het pakket gisteren bezorgd, maar "
                    "ik heb niets gekregen. Bij de buren ligt ook niks. Kunnen jullie dit "
                    "uitzoeken met PostNL? {name}"
                ),
            ),
            (
                "NOOIT ONTVANGEN",
                (
                    "Bestelling {order} is meer dan {days} dagen geleden geplaatst en ik heb NIETS "
                    "ontvangen. Als ik vrijdag mijn geld niet terug heb, open ik een geschil bij "
                    "PayPal."
                ),
            ),
            (
                "Pakket niet aangekomen",
                (
                    "Hallo, mijn bestelling {order} is nog steeds niet binnen en de tracking staat "
                    "al twee weken stil. Kunnen jullie navraag doen bij de vervoerder of het "
                    "opnieuw sturen? Bedankt"
                ),
            ),
        ],
        "damaged_item": [
            (
                "Product kapot aangekomen",
                (
                    "Hoi, {product} kwam vandaag binnen met een gebarsten scherm en de doos was "
                    "helemaal ingedeukt. Ik heb foto's als jullie die nodig hebben. Kunnen jullie "
                    "een nieuwe sturen? {name}"
                ),
            ),
            (
                "defect",
                "de {product} gaat helemaal niet aan, 2 verschillende kabels geprobeerd. bestelnr {order}",
            ),
            (
                "Erg teleurgesteld – bestelling {order}",
                (
                    "Het pakket was doorweekt en de helft is kapot. Dit is al de tweede keer bij "
                    "jullie. Ik wil mijn geld volledig terug, anders laat ik een review van 1 ster "
                    "achter."
                ),
            ),
        ],
        "wrong_item": [
            (
                "Verkeerde maat ontvangen",
                (
                    "Hallo, ik had {product} in maat M besteld maar kreeg een XL. Bestelnummer "
                    "{order}. Hoe kan ik dit ruilen? Groet, {name}"
                ),
            ),
            (
                "verkeerd artikel",
                (
                    "er zat iets heel anders in het pakket, een telefoonhoesje?? ik had {product} "
                    "besteld. graag snel oplossen"
                ),
            ),
            (
                "Verkeerde kleur",
                (
                    "Hoi, ik had zwart gekozen maar kreeg donkerblauw. Het is een cadeau dus ik "
                    "heb echt de goede kleur nodig. Wat moet ik met deze doen? Groetjes, {name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "Artikel ontbreekt",
                (
                    "Hallo, in bestelling {order} zaten drie artikelen maar in het pakket maar "
                    "twee. {product} ontbreekt. Kunnen jullie het nasturen? {name}"
                ),
            ),
            (
                "niet compleet",
                "op de pakbon staat {product} maar het zat niet in de doos. waar is het?",
            ),
            (
                "Oplader ontbreekt",
                (
                    "Goedemiddag, de oplader die bij {product} hoort te zitten zit niet in de "
                    "doos. Is die apart verstuurd? Zo ja, graag de trackingcode. Met vriendelijke "
                    "groet, {name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "Niet zoals beschreven",
                (
                    "{product} lijkt in de verste verte niet op de foto's. De stof voelt goedkoop "
                    "en de kleur is veel lichter. Ik wil het retourneren. {name}"
                ),
            ),
            (
                "maattabel klopt niet",
                (
                    "ik heb jullie maattabel precies gevolgd en het is 2 maten te klein. "
                    "bestelling {order}. echt misleidend"
                ),
            ),
            (
                "Accuduur klopt niet",
                (
                    "In de advertentie staat 30 uur accuduur, {product} houdt het nog geen 4 uur "
                    "vol. Dat is misleidende reclame. Ik wil mijn geld terug of ik meld de "
                    "advertentie. {name}"
                ),
            ),
        ],
        "return_request": [
            (
                "Retour aanvragen – bestelling {order}",
                (
                    "Hallo, ik wil {product} graag retourneren, het past niet. Niet gedragen, "
                    "labels zitten er nog aan. Hoe werkt het retourneren? Bedankt, {name}"
                ),
            ),
            (
                "terugsturen",
                (
                    "ik heb me bedacht over de {product}, kan ik het terugsturen en mijn geld "
                    "terugkrijgen? {days} dagen geleden ontvangen"
                ),
            ),
            (
                "Retour en omruilen",
                (
                    "Hoi, de schoenen zitten te krap. Kan ik ze terugsturen en een maat groter "
                    "bestellen? En wie betaalt de retourkosten? Groetjes, {name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "Waar blijft mijn terugbetaling?",
                (
                    "Hallo, ik heb {product} {days} dagen geleden teruggestuurd en volgens track & "
                    "trace {tracking} hebben jullie het ontvangen. Ik heb nog steeds geen geld "
                    "terug. Kunnen jullie dit checken? {name}"
                ),
            ),
            (
                "geld niet terug",
                (
                    "jullie zeiden een week geleden dat het terugbetaald is maar ik zie niks op "
                    "mijn rekening. stuur even een bewijs aub"
                ),
            ),
            (
                "Terugbetaling laat al weken op zich wachten",
                (
                    "Er is mij {days} dagen geleden een terugbetaling voor bestelling {order} "
                    "beloofd. Als het geld maandag niet binnen is, laat ik mijn bank het "
                    "terugboeken."
                ),
            ),
        ],
        "cancel_order": [
            (
                "Bestelling {order} annuleren",
                (
                    "Hallo, willen jullie mijn bestelling {order} annuleren? Ik heb per ongeluk "
                    "het verkeerde model besteld. Hij is nog niet verzonden. Bedankt! {name}"
                ),
            ),
            (
                "annuleren",
                "wil bestelling {order} annuleren, elders goedkoper gevonden",
            ),
            (
                "Annuleren – duurt te lang",
                (
                    "Goedendag, het is nu {days} dagen en mijn bestelling is nog steeds niet "
                    "verzonden. Ik heb {product} niet meer nodig, graag annuleren en terugbetalen. "
                    "Groet, {name}"
                ),
            ),
        ],
        "change_order": [
            (
                "Bezorgadres wijzigen",
                (
                    "Hoi, ik heb net bestelling {order} geplaatst maar mijn oude adres ingevuld. "
                    "Kunnen jullie het wijzigen naar Kerkstraat 45, 3511 AB Utrecht? Dank je! "
                    "{name}"
                ),
            ),
            (
                "maat wijzigen",
                (
                    "kan ik de {product} nog omzetten van L naar M? bestelling {order}, hopelijk "
                    "nog niet verstuurd"
                ),
            ),
            (
                "Artikel toevoegen",
                (
                    "Hallo, kan ik nog een tweede {product} aan bestelling {order} toevoegen en "
                    "alles samen verzenden? Mijn telefoonnummer klopt ook niet, het laatste cijfer "
                    "moet een 6 zijn. Bedankt, {name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "Invoerkosten betalen?",
                (
                    "Hallo, DHL vraagt € 23 aan btw en inklaringskosten voordat ze bestelling "
                    "{order} bezorgen. Op jullie site stond dat alles inclusief was. Waarom moet "
                    "ik dit betalen? {name}"
                ),
            ),
            (
                "pakket bij de douane",
                (
                    "tracking {tracking} staat al {days} dagen op vastgehouden door de douane. wat "
                    "moet ik doen? moeten jullie een factuur sturen?"
                ),
            ),
            (
                "Douanekosten – ga ik niet betalen",
                (
                    "Ik ga geen € 40 invoerrechten betalen voor een bestelling van € 25. Of jullie "
                    "betalen het, of ik weiger het pakket en wil mijn geld terug."
                ),
            ),
        ],
        "product_question": [
            (
                "Geschikt voor grote hond?",
                (
                    "Hoi, is {product} ook geschikt voor een grote hond van 35 kg? Hij trekt nogal "
                    "hard aan de lijn. Thanks, {name}"
                ),
            ),
            (
                "vraag over maat",
                "hoi welke maat moet ik nemen van de {product}? ben 1,75 en draag normaal M",
            ),
            (
                "Hoe koppelen?",
                (
                    "Goedemiddag, ik heb {product} ontvangen maar krijg het niet gekoppeld met "
                    "mijn telefoon via bluetooth. De handleiding is niet in het Nederlands. Kunnen "
                    "jullie helpen? Groet, {name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "Factuur voor bestelling {order}",
                (
                    "Goedemiddag, kunt u mij een factuur met btw sturen voor bestelling {order}? "
                    "Ik heb die nodig voor mijn bedrijf. Bedrijfsnaam en btw-nummer staan "
                    "hieronder. Bedankt, {name}"
                ),
            ),
            (
                "factuur",
                "kan ik een factuur krijgen van bestelling {order}? nodig voor de garantie",
            ),
            (
                "Factuur aanpassen",
                (
                    "Hallo, op de factuur ontbreken ons bedrijfsadres en KvK-nummer. Kunt u een "
                    "nieuwe sturen met alle gegevens? Met vriendelijke groet, {name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "Dubbel afgeschreven",
                (
                    "Hallo, bestelling {order} is twee keer afgeschreven, ik zie beide bedragen op "
                    "mijn rekening. Graag het dubbele bedrag terugstorten. {name}"
                ),
            ),
            (
                "betaling mislukt maar geld weg",
                (
                    "bij het afrekenen stond betaling mislukt maar het geld is wel van mijn "
                    "rekening af. heb ik nou een bestelling of niet??"
                ),
            ),
            (
                "Verkeerd bedrag",
                (
                    "De prijs op de site was € 29,99 maar er is € 34,99 afgeschreven voor {product}"
                    ". Kunnen jullie het verschil terugbetalen? Anders laat ik het via de bank "
                    "terugboeken. {name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "Bedankt!",
                (
                    "Wilde even laten weten dat {product} supersnel binnen was en echt perfect is. "
                    "Ik bestel zeker nog eens! {name}"
                ),
            ),
            (
                "top service",
                "bedankt dat jullie zo snel een vervanging hebben gestuurd, echt top!",
            ),
            (
                "Tevreden klant",
                (
                    "Hallo, bestelling {order} vandaag ontvangen, alles goed verpakt en de "
                    "kwaliteit is beter dan verwacht. Ook dank aan jullie klantenservice! "
                    "Groetjes, {name}"
                ),
            ),
        ],
        "other": [
            (
                "Groothandel aanvraag",
                (
                    "Goedendag, ik heb een kleine winkel in Groningen en heb interesse in {product}"
                    " in grotere aantallen (200+ stuks). Hebben jullie groothandelsprijzen? Met "
                    "vriendelijke groet, {name}"
                ),
            ),
            (
                "samenwerking?",
                (
                    "heyy! ik ben content creator met 50k volgers op insta en zou graag met jullie "
                    "merk samenwerken. laat maar weten!"
                ),
            ),
            (
                "Account verwijderen",
                (
                    "Graag mijn account en al mijn persoonsgegevens verwijderen (AVG) en mij "
                    "afmelden voor de nieuwsbrief. {name}"
                ),
            ),
        ],
    },
    "pl": {
        "where_is_my_order": [
            (
                "Gdzie jest moje zamówienie?",
                (
                    "Dzień dobry, {days} dni temu zamówiłam {product}, a numer przesyłki {tracking}"
                    " od tygodnia się nie aktualizuje. Kiedy paczka dotrze? Pozdrawiam, {name}"
                ),
            ),
            (
                "zamówienie {order}",
                "kiedy wyślecie moje zamówienie?? czekam już {days} dni i nadal nie mam numeru do śledzenia",
            ),
            (
                "Termin dostawy",
                (
                    "Dzień dobry, potrzebuję zamówienia {order} najpóźniej na przyszłą sobotę, to "
                    "prezent urodzinowy. Czy mogą Państwo potwierdzić, że zdąży dojść? Z "
                    "poważaniem, {name}"
                ),
            ),
        ],
        "not_received": [
            (
                "Status doręczona, a paczki brak",
                (
                    "Dzień dobry, według śledzenia {tracking} paczka została wczoraj doręczona, "
                    "ale nic nie dostałem. Pytałem sąsiadów, w skrzynce też nic nie ma. Proszę to "
                    "wyjaśnić. {name}"
                ),
            ),
            (
                "NIE DOSTAŁEM ZAMÓWIENIA",
                (
                    "Zamówienie {order} złożyłem ponad {days} dni temu i NIC nie dotarło. Jeśli do "
                    "piątku nie dostanę zwrotu pieniędzy, otwieram spór w PayPal."
                ),
            ),
            (
                "Paczka nie dotarła",
                (
                    "Dzień dobry, moje zamówienie {order} nadal nie dotarło, a status przesyłki "
                    "stoi w miejscu od dwóch tygodni. Czy mogą Państwo złożyć reklamację u "
                    "przewoźnika albo wysłać ponownie? Dziękuję"
                ),
            ),
        ],
        "damaged_item": [
            (
                "Towar przyszedł uszkodzony",
                (
                    "Dzień dobry, dzisiaj przyszła paczka, {product} ma pęknięty ekran, a karton "
                    "był zgnieciony. Mam zdjęcia, jeśli trzeba. Czy mogą Państwo wysłać nowy "
                    "egzemplarz? {name}"
                ),
            ),
            (
                "nie działa",
                "{product} w ogóle się nie włącza, próbowałem na dwóch różnych kablach. zamówienie {order}",
            ),
            (
                "Bardzo rozczarowana – zamówienie {order}",
                (
                    "Paczka była przemoczona, a połowa rzeczy potłuczona. To już drugi raz w "
                    "Państwa sklepie. Chcę pełnego zwrotu pieniędzy, inaczej wystawię opinię na 1 "
                    "gwiazdkę."
                ),
            ),
        ],
        "wrong_item": [
            (
                "Zły rozmiar",
                (
                    "Dzień dobry, zamówiłam {product} w rozmiarze M, a przyszedł XL. Numer "
                    "zamówienia {order}. Jak mogę to wymienić? Dziękuję, {name}"
                ),
            ),
            (
                "przyszło co innego",
                (
                    "w paczce było coś zupełnie innego, jakieś etui na telefon?? ja zamawiałem "
                    "{product}. proszę to szybko naprawić"
                ),
            ),
            (
                "Zły kolor",
                (
                    "Dzień dobry, wybrałam czarny, a dostałam granatowy. To prezent, więc "
                    "potrzebuję właściwego koloru. Co mam zrobić z tym egzemplarzem? Pozdrawiam, "
                    "{name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "Brak produktu w paczce",
                (
                    "Dzień dobry, w zamówieniu {order} były trzy produkty, a w paczce tylko dwa. "
                    "Brakuje produktu {product}. Czy mogą Państwo go dosłać? {name}"
                ),
            ),
            (
                "niekompletne zamówienie",
                "na liście w paczce jest {product}, ale w kartonie tego nie było. gdzie to jest?",
            ),
            (
                "Brak ładowarki",
                (
                    "Dzień dobry, w zestawie z produktem {product} brakuje ładowarki, która według "
                    "opisu powinna być dołączona. Czy została wysłana osobno? Jeśli tak, proszę o "
                    "numer przesyłki. Z poważaniem, {name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "Niezgodny z opisem",
                (
                    "Produkt {product} w ogóle nie wygląda jak na zdjęciach. Materiał jest "
                    "tandetny, a kolor dużo jaśniejszy. Chcę go zwrócić. {name}"
                ),
            ),
            (
                "tabela rozmiarów się nie zgadza",
                (
                    "dobrałam rozmiar dokładnie według waszej tabeli i jest o dwa rozmiary za "
                    "mały. zamówienie {order}. to wprowadzanie w błąd"
                ),
            ),
            (
                "Bateria nie trzyma tyle, ile w opisie",
                (
                    "W ogłoszeniu jest 30 godzin pracy na baterii, a {product} wytrzymuje ledwo 4 "
                    "godziny. To wprowadzanie klienta w błąd. Żądam zwrotu pieniędzy albo zgłoszę "
                    "ofertę. {name}"
                ),
            ),
        ],
        "return_request": [
            (
                "Zwrot – zamówienie {order}",
                (
                    "Dzień dobry, chciałabym zwrócić produkt {product}, nie pasuje. Nienoszony, z "
                    "metkami. Jak mam go odesłać? Dziękuję, {name}"
                ),
            ),
            (
                "odstąpienie od umowy",
                "chcę odstąpić od umowy i zwrócić {product}, dostałem to {days} dni temu. jak to zrobić?",
            ),
            (
                "Zwrot i wymiana",
                (
                    "Dzień dobry, buty są za wąskie. Czy mogę je zwrócić i zamówić rozmiar "
                    "większy? Kto pokrywa koszt odesłania? Pozdrawiam, {name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "Gdzie mój zwrot pieniędzy?",
                (
                    "Dzień dobry, {days} dni temu odesłałam {product}, a według numeru {tracking} "
                    "paczka do Państwa dotarła. Pieniędzy nadal nie mam. Proszę sprawdzić. {name}"
                ),
            ),
            (
                "nie dostałem zwrotu",
                (
                    "napisaliście tydzień temu że zwrot poszedł, a na karcie nic nie ma. proszę o "
                    "potwierdzenie przelewu"
                ),
            ),
            (
                "Zwrot opóźniony od tygodni",
                (
                    "Zwrot za zamówienie {order} obiecano mi {days} dni temu. Jeśli pieniądze nie "
                    "wrócą do poniedziałku, zgłaszam chargeback w banku."
                ),
            ),
        ],
        "cancel_order": [
            (
                "Anulowanie zamówienia {order}",
                (
                    "Dzień dobry, proszę anulować moje zamówienie {order}, pomyliłem model. "
                    "Jeszcze nie zostało wysłane. Dziękuję! {name}"
                ),
            ),
            (
                "anuluj",
                "chcę anulować zamówienie {order}, znalazłem taniej gdzie indziej",
            ),
            (
                "Proszę anulować – za długo to trwa",
                (
                    "Dzień dobry, minęło już {days} dni, a zamówienie nadal nie zostało wysłane. "
                    "Produkt {product} nie jest mi już potrzebny, proszę anulować i zwrócić "
                    "pieniądze. Pozdrawiam, {name}"
                ),
            ),
        ],
        "change_order": [
            (
                "Zmiana adresu dostawy",
                (
                    "Dzień dobry, właśnie złożyłam zamówienie {order} i podałam stary adres. Czy "
                    "można zmienić na ul. Długa 15/4, 31-147 Kraków? Dziękuję! {name}"
                ),
            ),
            (
                "zmiana rozmiaru",
                (
                    "mogę jeszcze zmienić rozmiar z L na M? chodzi o {product}, zamówienie {order}"
                    ", mam nadzieję że jeszcze nie wysłane"
                ),
            ),
            (
                "Dodanie produktu",
                (
                    "Dzień dobry, czy mogę dodać jeszcze jedną sztukę {product} do zamówienia "
                    "{order} i wysłać wszystko razem? Poza tym numer telefonu jest błędny, "
                    "ostatnia cyfra to 9. Dziękuję, {name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "Opłata celna?",
                (
                    "Dzień dobry, kurier żąda 95 zł VAT i opłaty za odprawę celną, zanim doręczy "
                    "zamówienie {order}. Na stronie było napisane, że wszystko jest wliczone. "
                    "Dlaczego mam płacić? {name}"
                ),
            ),
            (
                "paczka stoi na cle",
                (
                    "przesyłka {tracking} od {days} dni ma status zatrzymana w urzędzie celnym. co "
                    "mam zrobić? musicie wysłać fakturę?"
                ),
            ),
            (
                "Cło – nie zapłacę",
                (
                    "Nie zapłacę 170 zł cła za zamówienie za 100 zł. Albo Państwo to pokryją, albo "
                    "odmówię przyjęcia paczki i żądam zwrotu pieniędzy."
                ),
            ),
        ],
        "product_question": [
            (
                "Czy działa z Androidem?",
                (
                    "Dzień dobry, czy {product} działa z Androidem? Mam Samsunga A54 i nie wiem, "
                    "czy aplikacja jest dostępna. Dzięki, {name}"
                ),
            ),
            (
                "pytanie o rozmiar",
                "hej, jaki rozmiar mam wziąć? chodzi o {product}, mam 168 cm wzrostu i zwykle noszę M",
            ),
            (
                "Jak sparować?",
                (
                    "Dzień dobry, dostałem {product}, ale nie mogę sparować z telefonem przez "
                    "Bluetooth. Instrukcja nie jest po polsku. Czy mogą Państwo pomóc? Pozdrawiam, "
                    "{name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "Faktura VAT do zamówienia {order}",
                (
                    "Dzień dobry, proszę o wystawienie faktury VAT do zamówienia {order}, "
                    "potrzebuję jej do firmy. Dane firmy i NIP poniżej. Dziękuję, {name}"
                ),
            ),
            (
                "faktura",
                "czy mogę dostać paragon albo fakturę za zamówienie {order}? potrzebne do gwarancji",
            ),
            (
                "Korekta faktury",
                (
                    "Dzień dobry, na przesłanej fakturze brakuje adresu firmy. Czy mogą Państwo "
                    "wystawić ją ponownie z pełnymi danymi? Z poważaniem, {name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "Podwójne obciążenie",
                (
                    "Dzień dobry, za zamówienie {order} pobrano mi pieniądze dwa razy, widzę obie "
                    "transakcje na wyciągu. Proszę o zwrot podwójnej płatności. {name}"
                ),
            ),
            (
                "płatność nieudana a kasa zeszła",
                "przy płatności wyskoczył błąd, ale pieniądze zeszły z konta. mam zamówienie czy nie??",
            ),
            (
                "Zła kwota",
                (
                    "Dzień dobry, cena na stronie wynosiła 129,99 zł, a pobrano 149,99 zł za "
                    "{product}. Proszę o zwrot różnicy, w przeciwnym razie złożę reklamację w "
                    "banku. {name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "Dziękuję!",
                (
                    "Chciałam tylko napisać, że zamówienie przyszło bardzo szybko, a {product} "
                    "jest super. Na pewno jeszcze zamówię! {name}"
                ),
            ),
            (
                "super obsługa",
                "dzięki że tak szybko wysłaliście wymianę, naprawdę super!",
            ),
            (
                "Zadowolony klient",
                (
                    "Dzień dobry, zamówienie {order} dotarło dzisiaj, wszystko dobrze zapakowane, "
                    "a jakość lepsza niż się spodziewałem. Podziękowania także dla obsługi "
                    "klienta! Pozdrawiam, {name}"
                ),
            ),
        ],
        "other": [
            (
                "Zapytanie hurtowe",
                (
                    "Dzień dobry, prowadzę mały sklep we Wrocławiu i jestem zainteresowany zakupem "
                    "większej ilości produktu {product} (ponad 200 sztuk). Czy oferują Państwo "
                    "ceny hurtowe? Z poważaniem, {name}"
                ),
            ),
            (
                "sklep stacjonarny?",
                (
                    "dzień dobry, czy macie jakiś sklep stacjonarny w Polsce, żeby obejrzeć towar "
                    "na żywo? czy tylko internet?"
                ),
            ),
            (
                "Usunięcie konta",
                (
                    "Proszę o usunięcie mojego konta i wszystkich danych osobowych zgodnie z RODO "
                    "oraz wypisanie z newslettera. {name}"
                ),
            ),
        ],
    },
    "ko": {
        "where_is_my_order": [
            (
                "주문한 상품 언제 오나요?",
                (
                    "안녕하세요, {days}일 전에 {product} 주문했는데 송장번호 {tracking} 배송조회가 "
                    "일주일째 업데이트가 없어요. 언제쯤 받을 수 있을까요? {name}"
                ),
            ),
            (
                "주문 {order} 배송 문의",
                "주문한 지 {days}일 됐는데 아직도 발송 안 됐나요?? 송장번호도 안 왔어요",
            ),
            (
                "배송 예정일 확인 부탁드립니다",
                (
                    "안녕하세요. 주문번호 {order} 건인데요, 다음 주 토요일까지 꼭 받아야 하는 생일 "
                    "선물이라서요. 그 전에 도착 가능한지 확인 부탁드립니다. 감사합니다. {name} 드림"
                ),
            ),
        ],
        "not_received": [
            (
                "배송완료로 나오는데 못 받았어요",
                (
                    "배송조회 {tracking}에는 어제 배송완료라고 나오는데 물건을 받지 못했습니다. 경"
                    "비실이랑 이웃집에도 물어봤는데 없대요. 확인 부탁드립니다. {name}"
                ),
            ),
            (
                "상품 아직도 못 받음",
                (
                    "주문 {order} 한 지 {days}일 넘었는데 아무것도 안 왔어요. 금요일까지 환불이나 "
                    "재발송 안 해주시면 카드사에 이의제기하겠습니다."
                ),
            ),
            (
                "택배 분실된 것 같아요",
                (
                    "안녕하세요, 주문번호 {order} 아직 못 받았고 배송조회도 2주째 그대로예요. 택배"
                    "사에 확인해 주시거나 재발송 가능할까요?"
                ),
            ),
        ],
        "damaged_item": [
            (
                "상품이 파손되어 왔어요",
                (
                    "오늘 {product} 받았는데 화면이 깨져 있고 박스도 찌그러져 있었어요. 사진 있습니"
                    "다. 교환 가능할까요? {name}"
                ),
            ),
            (
                "불량품",
                "{product} 전원이 아예 안 켜져요. 케이블 두 개로 해봤어요. 주문번호 {order}",
            ),
            (
                "너무 실망입니다 (주문 {order})",
                (
                    "박스가 다 젖어서 왔고 절반이 깨져 있었습니다. 이 쇼핑몰에서 이런 일이 벌써 두 "
                    "번째예요. 전액 환불해 주세요. 아니면 별점 1점 리뷰 남기겠습니다."
                ),
            ),
        ],
        "wrong_item": [
            (
                "사이즈가 다르게 왔어요",
                (
                    "{product} M 사이즈 주문했는데 XL이 왔습니다. 주문번호 {order}입니다. 교환 어떻"
                    "게 하나요? {name}"
                ),
            ),
            (
                "다른 상품이 왔어요",
                "전혀 다른 물건이 왔어요 핸드폰 케이스?? 저는 {product} 주문했거든요. 빨리 처리해 주세요",
            ),
            (
                "색상 오배송",
                (
                    "블랙으로 주문했는데 네이비가 왔어요. 선물용이라 꼭 맞는 색상이 필요합니다. 잘"
                    "못 온 건 어떻게 하면 될까요? {name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "상품 하나가 빠졌어요",
                (
                    "주문 {order}에서 3개 샀는데 박스에 2개만 들어 있었어요. {product} 상품이 없어"
                    "요. 보내주실 수 있나요? {name}"
                ),
            ),
            (
                "구성품 누락",
                "거래명세서에는 {product} 있다고 되어 있는데 박스에 없었어요. 어디 있나요?",
            ),
            (
                "충전기가 안 들어 있어요",
                (
                    "{product} 구성품에 충전기가 포함이라고 되어 있는데 박스에 없네요. 따로 발송된 "
                    "건가요? 그렇다면 송장번호 알려주세요. {name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "상품 설명과 달라요",
                (
                    "{product} 사진이랑 완전 달라요. 원단도 얇고 싸구려 느낌이고 색도 훨씬 연해요. "
                    "반품하고 싶어요. {name}"
                ),
            ),
            (
                "사이즈표가 안 맞아요",
                "사이즈표 그대로 보고 샀는데 두 치수는 작아요. 주문번호 {order}. 이건 소비자 기만 아닌가요",
            ),
            (
                "배터리 시간 과장 광고",
                (
                    "상세페이지에는 배터리 30시간이라고 되어 있는데 {product} 4시간이면 꺼져요. 과"
                    "장 광고입니다. 환불 안 해주시면 신고하겠습니다. {name}"
                ),
            ),
        ],
        "return_request": [
            (
                "반품 신청 (주문 {order})",
                (
                    "{product} 사이즈가 안 맞아서 반품하고 싶습니다. 착용 안 했고 택도 그대로 있어"
                    "요. 반품 절차 알려주세요. {name}"
                ),
            ),
            (
                "반품 되나요",
                "받은 지 {days}일 됐는데 마음이 바뀌어서요. 반품하고 환불받을 수 있나요?",
            ),
            (
                "반품 후 교환 문의",
                (
                    "신발이 좀 작아서 반품하고 한 치수 큰 걸로 다시 주문하고 싶어요. 반품 배송비는 "
                    "제가 내야 하나요? {name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "환불 언제 되나요?",
                (
                    "{days}일 전에 {product} 반송했고 송장번호 {tracking} 보면 이미 받으셨던데 아직"
                    " 환불이 안 됐어요. 확인 부탁드려요. {name}"
                ),
            ),
            (
                "환불 안 들어왔어요",
                "일주일 전에 환불 처리했다고 하셨는데 카드 내역에 아무것도 없어요. 환불 증빙 보내주세요",
            ),
            (
                "환불이 너무 늦어요",
                (
                    "주문 {order} 환불 약속받은 지 {days}일이 지났습니다. 월요일까지 입금 안 되면 "
                    "카드사에 차지백 신청하겠습니다."
                ),
            ),
        ],
        "cancel_order": [
            (
                "주문 취소 요청",
                "주문번호 {order} 모델을 잘못 주문했어요. 아직 발송 전이면 취소 부탁드립니다. {name}",
            ),
            (
                "취소해주세요",
                "다른 데서 더 싸게 찾아서 주문 {order} 취소할게요",
            ),
            (
                "배송이 너무 늦어서 취소합니다",
                (
                    "주문한 지 {days}일이 지났는데 아직 발송이 안 됐네요. 이제 {product} 필요 없으"
                    "니 취소하고 환불해 주세요. {name}"
                ),
            ),
        ],
        "change_order": [
            (
                "배송지 변경 요청",
                (
                    "방금 주문한 {order} 건 주소를 예전 주소로 잘못 입력했어요. 서울시 마포구 월드"
                    "컵로 12, 302호로 변경 가능할까요? {name}"
                ),
            ),
            (
                "사이즈 변경",
                "주문 {order} {product} L에서 M으로 바꿀 수 있나요? 아직 발송 안 됐으면요",
            ),
            (
                "상품 추가 및 합배송",
                (
                    "주문 {order}에 {product} 하나 더 추가해서 같이 보내주실 수 있나요? 그리고 연락"
                    "처 마지막 번호가 잘못돼서 수정 부탁드려요. {name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "관세 내라고 연락 왔어요",
                (
                    "택배사에서 주문 {order} 통관하려면 부가세랑 관세 3만 원을 내라고 하네요. 사이"
                    "트에는 관부가세 포함이라고 되어 있었는데 왜 제가 내야 하나요? {name}"
                ),
            ),
            (
                "통관 보류",
                (
                    "송장 {tracking} {days}일째 통관 보류 상태예요. 제가 뭘 해야 하나요? 개인통관고"
                    "유부호 다시 보내드려야 하나요?"
                ),
            ),
            (
                "관세 못 냅니다",
                (
                    "2만 원짜리 주문에 관세를 3만 원 내라는 건 말이 안 됩니다. 그쪽에서 부담하시든"
                    "지 아니면 수취 거부하고 환불받겠습니다."
                ),
            ),
        ],
        "product_question": [
            (
                "아이폰 15 호환되나요?",
                "{product} 아이폰 15 프로에 호환되나요? 맥세이프도 되나요? {name}",
            ),
            (
                "사이즈 문의",
                "키 165에 평소 M 입는데 {product} 어떤 사이즈가 맞을까요?",
            ),
            (
                "블루투스 연결 방법",
                (
                    "{product} 받았는데 휴대폰이랑 블루투스 연결이 안 돼요. 설명서가 한국어가 아니"
                    "라서요. 연결 방법 알려주실 수 있나요? {name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "세금계산서 발행 요청",
                (
                    "주문 {order} 건 세금계산서 발행 부탁드립니다. 회사 경비 처리용이에요. 사업자등"
                    "록번호는 아래에 적었습니다. {name}"
                ),
            ),
            (
                "영수증",
                "주문 {order} 영수증 받을 수 있을까요? AS 신청할 때 필요해서요",
            ),
            (
                "인보이스 정보 수정",
                (
                    "보내주신 인보이스에 회사 주소가 빠져 있어요. 전체 정보 넣어서 다시 발행해 주실"
                    " 수 있나요? {name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "이중 결제됐어요",
                (
                    "주문 {order} 결제가 두 번 됐어요. 카드 내역에 두 건 찍혀 있습니다. 중복 결제분"
                    " 취소 부탁드립니다. {name}"
                ),
            ),
            (
                "결제 실패했는데 돈 빠져나감",
                "결제창에서 실패라고 떴는데 계좌에서 돈은 빠져나갔어요. 주문이 된 건가요 안 된 건가요??",
            ),
            (
                "결제 금액이 달라요",
                (
                    "사이트 가격은 29,900원이었는데 {product} 34,900원 결제됐어요. 차액 환불해 주세"
                    "요. 아니면 카드사에 이의신청하겠습니다. {name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "감사합니다!",
                "{product} 생각보다 빨리 왔고 너무 마음에 들어요. 또 주문할게요! {name}",
            ),
            (
                "빠른 처리 감사해요",
                "교환품 바로 보내주셔서 감사합니다 ㅎㅎ 최고예요",
            ),
            (
                "만족합니다",
                (
                    "주문 {order} 오늘 받았어요. 포장도 꼼꼼하고 품질도 기대 이상이에요. 상담해주신"
                    " 분도 친절하셨어요. 감사합니다! {name}"
                ),
            ),
        ],
        "other": [
            (
                "도매 문의",
                (
                    "안녕하세요, 부산에서 작은 소품샵을 운영하고 있는데요. {product} 200개 이상 대"
                    "량 구매하려고 합니다. 도매가 있을까요? {name}"
                ),
            ),
            (
                "협업 제안",
                (
                    "안녕하세요! 인스타 팔로워 5만 명 인플루언서입니다. 브랜드와 협업하고 싶어서 연"
                    "락드려요. 답장 주세요~"
                ),
            ),
            (
                "회원 탈퇴 요청",
                "회원 탈퇴하고 개인정보 전부 삭제해 주세요. 광고 메일도 그만 보내주세요. {name}",
            ),
        ],
    },
    "sv": {
        "where_is_my_order": [
            (
                "Var är min beställning?",
                (
                    "Hej, jag beställde {product} för {days} dagar sedan och spårningsnumret "
                    "{tracking} har inte uppdaterats på en vecka. När kommer paketet? Mvh {name}"
                ),
            ),
            (
                "order {order}",
                (
                    "hej när skickas min order?? har väntat i {days} dagar och har inte ens fått "
                    "nåt spårningsnummer"
                ),
            ),
            (
                "Leveranstid",
                (
                    "Hej, jag behöver order {order} senast nästa lördag eftersom det är en "
                    "födelsedagspresent. Kan ni bekräfta att den hinner fram? Vänliga hälsningar, "
                    "{name}"
                ),
            ),
        ],
        "not_received": [
            (
                "Står levererat men inget paket",
                (
                    "Hej, enligt spårningen {tracking} levererades paketet igår men jag har inte "
                    "fått något. Har kollat med grannarna och i brevlådan. Vad gör ni åt det? "
                    "{name}"
                ),
            ),
            (
                "HAR ALDRIG FÅTT MIN ORDER",
                (
                    "Jag lade order {order} för över {days} dagar sedan och har INTE fått "
                    "NÅGONTING. Om jag inte får pengarna tillbaka innan fredag öppnar jag en tvist "
                    "hos PayPal."
                ),
            ),
            (
                "Paketet har inte kommit",
                (
                    "Hej, min order {order} har fortfarande inte kommit och spårningen har stått "
                    "still i två veckor. Kan ni kontakta PostNord eller skicka en ny? Tack"
                ),
            ),
        ],
        "damaged_item": [
            (
                "Varan kom trasig",
                (
                    "Hej, {product} kom idag med spräckt skärm och kartongen var helt tillplattad. "
                    "Jag har bilder om ni behöver. Kan ni skicka en ny? {name}"
                ),
            ),
            (
                "funkar inte",
                "{product} startar inte alls, har testat två olika kablar. ordernr {order}",
            ),
            (
                "Väldigt besviken – order {order}",
                (
                    "Paketet var genomblött och hälften var sönder. Det är andra gången det händer "
                    "med er butik. Jag vill ha full återbetalning, annars blir det en recension "
                    "med 1 stjärna."
                ),
            ),
        ],
        "wrong_item": [
            (
                "Fel storlek",
                (
                    "Hej, jag beställde {product} i storlek M men fick XL. Ordernummer {order}. "
                    "Hur gör jag för att byta? Tack, {name}"
                ),
            ),
            (
                "fel vara",
                "fick nåt helt annat, ett mobilskal?? jag beställde {product}. fixa det snabbt tack",
            ),
            (
                "Fel färg",
                (
                    "Hej, jag valde svart men fick marinblå. Det är en present så jag behöver rätt "
                    "färg. Vad ska jag göra med den här? Hälsningar, {name}"
                ),
            ),
        ],
        "missing_item": [
            (
                "En vara saknas",
                (
                    "Hej, i order {order} var det tre varor men i paketet låg bara två. {product} "
                    "saknas. Kan ni skicka den? {name}"
                ),
            ),
            (
                "ofullständig leverans",
                "på följesedeln står {product} men den låg inte i kartongen. var är den?",
            ),
            (
                "Laddare saknas",
                (
                    "Hej, laddaren som enligt beskrivningen ska ingå med {product} saknas. Har den "
                    "skickats separat? I så fall vill jag gärna ha spårningsnumret. Mvh {name}"
                ),
            ),
        ],
        "not_as_described": [
            (
                "Stämmer inte med beskrivningen",
                (
                    "{product} ser inte alls ut som på bilderna. Materialet känns billigt och "
                    "färgen är mycket ljusare. Jag vill returnera den. {name}"
                ),
            ),
            (
                "storleksguiden stämmer inte",
                (
                    "följde er storleksguide exakt och den är två storlekar för liten. order "
                    "{order}. riktigt vilseledande"
                ),
            ),
            (
                "Batteritiden stämmer inte",
                (
                    "I annonsen står det 30 timmars batteritid, {product} håller knappt 4 timmar. "
                    "Det är vilseledande marknadsföring. Jag vill ha pengarna tillbaka annars "
                    "anmäler jag annonsen. {name}"
                ),
            ),
        ],
        "return_request": [
            (
                "Retur – order {order}",
                (
                    "Hej, jag vill returnera {product}, den passar inte. Oanvänd och lappen sitter "
                    "kvar. Hur skickar jag tillbaka den? Tack, {name}"
                ),
            ),
            (
                "ångerrätt",
                (
                    "jag har ångrat köpet av {product}, kan jag skicka tillbaka och få pengarna? "
                    "fick den för {days} dagar sen"
                ),
            ),
            (
                "Retur och byte",
                (
                    "Hej, skorna är för smala. Kan jag returnera dem och beställa en storlek "
                    "större? Och vem betalar returfrakten? Hälsningar, {name}"
                ),
            ),
        ],
        "refund_status": [
            (
                "Var är min återbetalning?",
                (
                    "Hej, jag skickade tillbaka {product} för {days} dagar sedan och enligt "
                    "spårningen {tracking} har ni tagit emot den. Har fortfarande inte fått "
                    "pengarna. Kan ni kolla? {name}"
                ),
            ),
            (
                "ingen återbetalning",
                (
                    "ni skrev för en vecka sen att ni har betalat tillbaka men det syns inget på "
                    "kortet. skicka kvitto på återbetalningen tack"
                ),
            ),
            (
                "Återbetalningen dröjer",
                (
                    "Jag blev lovad återbetalning för order {order} för {days} dagar sedan. Om "
                    "pengarna inte är tillbaka på måndag gör jag ett återkrav via banken."
                ),
            ),
        ],
        "cancel_order": [
            (
                "Avbeställ order {order}",
                (
                    "Hej, kan ni avbryta min order {order}? Jag beställde fel modell av misstag. "
                    "Den har inte skickats än. Tack! {name}"
                ),
            ),
            (
                "avbryt",
                "vill avbryta order {order}, hittade den billigare nån annanstans",
            ),
            (
                "Avbeställning – tar för lång tid",
                (
                    "Hej, det har gått {days} dagar och ordern har fortfarande inte skickats. Jag "
                    "behöver inte {product} längre, avbryt och betala tillbaka. Mvh {name}"
                ),
            ),
        ],
        "change_order": [
            (
                "Ändra leveransadress",
                (
                    "Hej, jag la precis order {order} och skrev min gamla adress. Kan ni ändra "
                    "till Storgatan 12, 411 38 Göteborg? Tack! {name}"
                ),
            ),
            (
                "byta storlek",
                "kan jag byta {product} från L till M? order {order}, hoppas den inte har skickats än",
            ),
            (
                "Lägga till en vara",
                (
                    "Hej, kan jag lägga till en till {product} i order {order} och få allt skickat "
                    "tillsammans? Mitt telefonnummer är också fel, sista siffran ska vara 2. Tack, "
                    "{name}"
                ),
            ),
        ],
        "customs_duties": [
            (
                "Ska jag betala tull?",
                (
                    "Hej, PostNord vill att jag betalar 250 kr i moms och tullhanteringsavgift "
                    "innan de lämnar ut order {order}. På er sida stod det att allt ingick. Varför "
                    "ska jag betala? {name}"
                ),
            ),
            (
                "paket fast i tullen",
                (
                    "spårning {tracking} har stått på tullhantering i {days} dagar. vad ska jag "
                    "göra? behöver ni skicka en faktura till dem?"
                ),
            ),
            (
                "Tull – betalar inte",
                (
                    "Jag tänker inte betala 400 kr i tull för en beställning på 250 kr. Antingen "
                    "står ni för det eller så vägrar jag ta emot paketet och vill ha pengarna "
                    "tillbaka."
                ),
            ),
        ],
        "product_question": [
            (
                "Tål den maskintvätt?",
                (
                    "Hej, kan man tvätta {product} i maskin, och i så fall på hur många grader? "
                    "Krymper den? Tack, {name}"
                ),
            ),
            (
                "fråga om storlek",
                "hej vilken storlek ska jag ta på {product}? är 172 cm och brukar ha M",
            ),
            (
                "Hur parkopplar man?",
                (
                    "Hej, jag har fått {product} men lyckas inte koppla den till mobilen via "
                    "Bluetooth. Manualen finns inte på svenska. Kan ni hjälpa mig? Mvh {name}"
                ),
            ),
        ],
        "invoice_request": [
            (
                "Faktura för order {order}",
                (
                    "Hej, kan ni skicka en faktura med moms specificerad för order {order}? Jag "
                    "behöver den till företaget. Företagsnamn och momsregistreringsnummer nedan. "
                    "Tack, {name}"
                ),
            ),
            (
                "kvitto",
                "kan jag få ett kvitto på order {order}? behövs för garantin",
            ),
            (
                "Rätta fakturan",
                (
                    "Hej, på fakturan saknas vår företagsadress och vårt organisationsnummer. Kan "
                    "ni skicka en ny med alla uppgifter? Vänliga hälsningar, {name}"
                ),
            ),
        ],
        "payment_issue": [
            (
                "Dubbeldragning",
                (
                    "Hej, jag har blivit debiterad två gånger för order {order}, båda dragningarna "
                    "syns på kontoutdraget. Betala tillbaka den dubbla dragningen tack. {name}"
                ),
            ),
            (
                "betalningen misslyckades men pengarna drogs",
                (
                    "i kassan stod det att betalningen misslyckades men pengarna har dragits från "
                    "kontot. har jag en order eller inte??"
                ),
            ),
            (
                "Fel belopp",
                (
                    "Hej, priset på sidan var 299 kr men jag blev debiterad 349 kr för {product}. "
                    "Kan ni betala tillbaka mellanskillnaden? Annars bestrider jag köpet via "
                    "banken. {name}"
                ),
            ),
        ],
        "feedback_positive": [
            (
                "Tack!",
                "Ville bara säga att {product} kom supersnabbt och är perfekt. Beställer gärna igen! {name}",
            ),
            (
                "grym service",
                "tack för att ni skickade ersättningen så snabbt, riktigt bra!",
            ),
            (
                "Nöjd kund",
                (
                    "Hej, order {order} kom idag, allt var väl förpackat och kvaliteten är bättre "
                    "än väntat. Tack även till kundtjänst! Hälsningar, {name}"
                ),
            ),
        ],
        "other": [
            (
                "Förfrågan om grossistpriser",
                (
                    "Hej, jag driver en liten butik i Uppsala och är intresserad av {product} i "
                    "större antal (200+ st). Har ni återförsäljarpriser? Vänliga hälsningar, {name}"
                ),
            ),
            (
                "samarbete?",
                (
                    "hej! jag är content creator med 50k följare på insta och skulle gärna "
                    "samarbeta med ert varumärke. hör av er!"
                ),
            ),
            (
                "Radera mitt konto",
                (
                    "Vänligen radera mitt konto och alla mina personuppgifter enligt GDPR och "
                    "avregistrera mig från nyhetsbrevet. {name}"
                ),
            ),
        ],
    },
}

# Short customer follow-ups on an existing conversation.
FOLLOW_UPS: dict[str, list[str]] = {
    "en": [
        "Any update on this?",
        "It's been {days} days and still nothing. Please reply.",
        "Thank you, that solved it!",
        "Hello? I'm still waiting for an answer about order {order}.",
        "I've attached the photos you asked for.",
        "ok thanks, I'll wait a few more days",
    ],
    "zh": [
        "请问有进展了吗？",
        "已经{days}天了还是没有消息，请尽快回复",
        "谢谢，问题已经解决了！",
        "你好？订单{order}的问题还在等回复",
        "你们要的照片已经放在附件里了",
        "好的，那我再等几天",
    ],
    "de": [
        "Gibt es schon etwas Neues?",
        "Jetzt sind es schon {days} Tage und immer noch nichts. Bitte melden Sie sich.",
        "Danke, damit ist alles geklärt!",
        "Hallo? Ich warte immer noch auf eine Antwort zu Bestellung {order}.",
        "Anbei die gewünschten Fotos.",
        "ok danke, dann warte ich noch ein paar tage",
    ],
    "fr": [
        "Des nouvelles ?",
        "Ça fait {days} jours et toujours rien. Merci de me répondre.",
        "Merci, c'est réglé !",
        "Bonjour ? J'attends toujours une réponse pour la commande {order}.",
        "Voici les photos demandées en pièce jointe.",
        "ok merci, j'attends encore quelques jours alors",
    ],
    "es": [
        "¿Alguna novedad?",
        "Ya van {days} días y sigo sin noticias. Por favor respondan.",
        "Gracias, ¡problema resuelto!",
        "¿Hola? Sigo esperando respuesta sobre el pedido {order}.",
        "Os adjunto las fotos que me pedisteis.",
        "vale gracias, espero unos días más entonces",
    ],
    "it": [
        "Novità?",
        "Sono passati {days} giorni e ancora niente. Per favore rispondete.",
        "Grazie, risolto!",
        "Salve? Sto ancora aspettando una risposta per l'ordine {order}.",
        "In allegato le foto che mi avete chiesto.",
        "ok grazie, aspetto ancora qualche giorno allora",
    ],
    "ja": [
        "その後いかがでしょうか？",
        "もう{days}日経ちますが、まだ返信がありません。至急ご対応ください。",
        "ありがとうございます、解決しました！",
        "注文{order}の件、まだ回答を待っています。",
        "ご依頼の写真を添付します。",
        "わかりました、もう少し待ってみます。",
    ],
    "pt": [
        "Alguma novidade?",
        "Já faz {days} dias e nada ainda. Por favor respondam.",
        "Obrigado, resolvido!",
        "Olá? Continuo à espera de resposta sobre a encomenda {order}.",
        "Seguem em anexo as fotos que vocês pediram.",
        "ok obrigada, vou esperar mais uns dias então",
    ],
    "nl": [
        "Al nieuws?",
        "Het is nu al {days} dagen en nog steeds niks. Graag een reactie.",
        "Bedankt, opgelost!",
        "Hallo? Ik wacht nog steeds op antwoord over bestelling {order}.",
        "In de bijlage de foto's waar jullie om vroegen.",
        "oké bedankt, dan wacht ik nog een paar dagen",
    ],
    "pl": [
        "Czy jest coś nowego?",
        "Minęło już {days} dni i nadal nic. Proszę o odpowiedź.",
        "Dziękuję, sprawa załatwiona!",
        "Halo? Nadal czekam na odpowiedź w sprawie zamówienia {order}.",
        "W załączniku zdjęcia, o które Państwo prosili.",
        "ok dzięki, to poczekam jeszcze kilka dni",
    ],
    "ko": [
        "혹시 진행 상황 있나요?",
        "벌써 {days}일째인데 아직도 아무 연락이 없네요. 답변 부탁드립니다.",
        "감사합니다, 해결됐어요!",
        "주문 {order} 건 아직 답변 기다리고 있어요.",
        "요청하신 사진 첨부합니다.",
        "네 알겠습니다, 며칠 더 기다려 볼게요",
    ],
    "sv": [
        "Något nytt?",
        "Nu har det gått {days} dagar och fortfarande inget. Svara gärna.",
        "Tack, det löste sig!",
        "Hallå? Jag väntar fortfarande på svar om order {order}.",
        "Bifogar bilderna ni bad om.",
        "ok tack, då väntar jag några dagar till",
    ],
}

# AGENT_REPLIES[language][intent] -> reply template body.
AGENT_REPLIES: dict[str, dict[str, str]] = {
    "en": {
        "where_is_my_order": (
            "Hi {name}, thank you for your patience. Your order {order} is on its way with "
            "tracking number {tracking}; you can follow it here: {tracking_url}. International "
            "parcels can take a few extra days at the sorting hub, but it is moving normally. Best "
            "regards, {agent}"
        ),
        "not_received": (
            "Hi {name}, I'm sorry your parcel hasn't reached you. The carrier shows {tracking} as "
            "delivered, so I've opened an investigation with them; could you please also check "
            "with your neighbours and your building's mailroom? If it doesn't turn up within 3 "
            "business days, we'll send a replacement or a full refund for order {order}. Best "
            "regards, {agent}"
        ),
        "damaged_item": (
            "Hi {name}, I'm very sorry the item arrived damaged. Could you please send us a couple "
            "of photos of the product and the outer packaging? As soon as we receive them we'll "
            "ship a replacement for order {order} at no cost, and there's no need to return the "
            "broken item. Kind regards, {agent}"
        ),
        "wrong_item": (
            "Hi {name}, apologies for the mix-up with order {order}. We'll send the correct item "
            "right away, and you can return the wrong one free of charge using this link: "
            "{return_url}. Thank you for your understanding. Best, {agent}"
        ),
        "missing_item": (
            "Hi {name}, sorry that part of order {order} was missing. I've checked and the item "
            "was not packed, so we're dispatching it today. I'll share the new tracking number as "
            "soon as it's available. Best regards, {agent}"
        ),
        "not_as_described": (
            "Hi {name}, thank you for letting us know, and I'm sorry the product didn't meet your "
            "expectations. You're welcome to return it for a full refund via {return_url}, or, if "
            "you prefer, keep it with a partial refund. Just let me know which option suits you. "
            "Kind regards, {agent}"
        ),
        "return_request": (
            "Hi {name}, no problem, you can return unused items within 30 days of delivery. Please "
            "start the return here: {return_url}, and we'll refund order {order} once the parcel "
            "is back in our warehouse. Please note that hygiene items such as cosmetics can't be "
            "returned once opened. Best regards, {agent}"
        ),
        "refund_status": (
            "Hi {name}, I've checked order {order} and the refund has been processed on our side. "
            "Depending on your bank, it can take 5–10 business days to appear on your statement. "
            "If you don't see it after that, reply to this email and I'll send you the transaction "
            "reference. Best, {agent}"
        ),
        "cancel_order": (
            "Hi {name}, your order {order} has been cancelled before shipping and a full refund "
            "has been issued to your original payment method. You should see it within a few "
            "business days. Best regards, {agent}"
        ),
        "change_order": (
            "Hi {name}, thanks for reaching out so quickly. We've updated order {order} with the "
            "changes you requested, and it will ship within 1–2 business days. Please double-check "
            "the details in the confirmation email. Best, {agent}"
        ),
        "customs_duties": (
            "Hi {name}, I'm sorry about the unexpected customs charge on order {order}. Please "
            "send us a photo of the customs notice or receipt and we'll reimburse the duties, as "
            "our prices are meant to include them. You can follow the parcel here: {tracking_url}. "
            "Kind regards, {agent}"
        ),
        "product_question": (
            "Hi {name}, thanks for your question. I've attached the full specifications and a "
            "short setup guide in English. If anything is still unclear, just reply and I'll be "
            "happy to help. Best regards, {agent}"
        ),
        "invoice_request": (
            "Hi {name}, please find attached the VAT invoice for order {order}. If you need your "
            "company name or VAT number added, just reply with the details and I'll reissue it. "
            "Best regards, {agent}"
        ),
        "payment_issue": (
            "Hi {name}, sorry for the trouble with your payment. I can confirm that only one "
            "charge was captured for order {order}; the second is a pending authorisation that "
            "your bank will release automatically within a few days. If it's still there after a "
            "week, please send us a screenshot of your statement. Best, {agent}"
        ),
        "feedback_positive": (
            "Hi {name}, thank you so much for your kind words, it really made our day! We're glad "
            "you're happy with your order. If you have a moment, a short review would help us a "
            "lot. Best wishes, {agent}"
        ),
        "other": (
            "Hi {name}, thank you for your message. I've forwarded it to the right team and "
            "they'll get back to you within 2 business days. Best regards, {agent}"
        ),
    },
    "zh": {
        "where_is_my_order": (
            "{name}您好，感谢您的耐心等待。您的订单{order}已经发出，物流单号为{tracking}，可通过以"
            "下链接查询：{tracking_url}。国际包裹在中转时可能会有几天延迟，目前运输正常。{agent}"
        ),
        "not_received": (
            "{name}您好，很抱歉您还没有收到包裹。物流{tracking}显示已签收，我们已向承运商提交调查，"
            "也麻烦您向邻居和物业确认一下。如果3个工作日内仍未找到，我们将为订单{order}补发或全额退"
            "款。{agent}"
        ),
        "damaged_item": (
            "{name}您好，非常抱歉商品在运输中损坏。麻烦您拍几张商品和外包装的照片发给我们，收到后我"
            "们会免费为订单{order}补发新品，损坏的商品无需寄回。{agent}"
        ),
        "wrong_item": (
            "{name}您好，很抱歉订单{order}发错了商品。我们会立即寄出正确的商品，发错的商品可以通过"
            "此链接免费退回：{return_url}。感谢您的理解。{agent}"
        ),
        "missing_item": (
            "{name}您好，很抱歉订单{order}少发了商品。经核实这件商品确实漏发了，我们今天会单独寄出"
            "，新的物流单号生成后会第一时间发给您。{agent}"
        ),
        "not_as_described": (
            "{name}您好，感谢您的反馈，很抱歉商品没有达到您的预期。您可以通过{return_url}申请退货并"
            "全额退款；如果您愿意保留商品，我们也可以提供部分退款。请告诉我您选择哪种方式。{agent}"
        ),
        "return_request": (
            "{name}您好，没问题，未使用的商品在签收后30天内可以退货。请通过此链接提交退货申请："
            "{return_url}，我们收到退件后会为订单{order}办理退款。请注意，化妆品等卫生用品拆封后不"
            "支持退货。{agent}"
        ),
        "refund_status": (
            "{name}您好，我已查询订单{order}，退款已在我们这边处理完成。根据银行不同，通常需要"
            "5–10个工作日到账。如果之后仍未收到，请回复此邮件，我会提供交易流水号。{agent}"
        ),
        "cancel_order": (
            "{name}您好，您的订单{order}已在发货前成功取消，款项已原路退回，几个工作日内即可到账。{agent}"
        ),
        "change_order": (
            "{name}您好，感谢您及时联系我们。订单{order}已按您的要求修改，将在1–2个工作日内发货，请"
            "留意确认邮件中的信息是否正确。{agent}"
        ),
        "customs_duties": (
            "{name}您好，很抱歉订单{order}产生了额外的关税。请把海关通知或缴费凭证的照片发给我们，"
            "我们会报销这笔费用。包裹物流可在此查看：{tracking_url}。{agent}"
        ),
        "product_question": (
            "{name}您好，感谢您的咨询。附件是该商品的详细参数和使用说明。如果还有不清楚的地方，欢迎"
            "随时回复，我们很乐意帮忙。{agent}"
        ),
        "invoice_request": (
            "{name}您好，附件是订单{order}的发票。如需添加公司名称或税号，请回复相关信息，我们会重"
            "新开具。{agent}"
        ),
        "payment_issue": (
            "{name}您好，很抱歉给您带来不便。经核实订单{order}只成功扣款一次，另一笔是银行的预授权"
            "，几天内会自动释放。如果一周后仍未退回，请把账单截图发给我们。{agent}"
        ),
        "feedback_positive": (
            "{name}您好，非常感谢您的好评，看到您满意我们也很开心！如果方便的话，欢迎在商品页面留下"
            "评价，这对我们帮助很大。{agent}"
        ),
        "other": (
            "{name}您好，感谢您的来信。我们已将您的消息转交给相关部门，他们会在2个工作日内与您联系。{agent}"
        ),
    },
    "de": {
        "where_is_my_order": (
            "Hallo {name}, vielen Dank für Ihre Geduld. Ihre Bestellung {order} ist unterwegs, die "
            "Sendungsnummer lautet {tracking}; den Status sehen Sie hier: {tracking_url}. "
            "Internationale Sendungen brauchen im Verteilzentrum manchmal ein paar Tage länger, "
            "aber alles läuft normal. Viele Grüße, {agent}"
        ),
        "not_received": (
            "Hallo {name}, es tut mir leid, dass Ihr Paket nicht angekommen ist. Laut "
            "Sendungsverfolgung {tracking} wurde es zugestellt, daher haben wir einen "
            "Nachforschungsauftrag beim Versanddienstleister gestellt – bitte fragen Sie auch kurz "
            "bei Ihren Nachbarn nach. Falls das Paket innerhalb von 3 Werktagen nicht auftaucht, "
            "erhalten Sie für Bestellung {order} Ersatz oder eine volle Erstattung. Viele Grüße, "
            "{agent}"
        ),
        "damaged_item": (
            "Hallo {name}, es tut mir sehr leid, dass der Artikel beschädigt angekommen ist. Bitte "
            "schicken Sie uns ein paar Fotos vom Produkt und von der Verpackung. Sobald wir sie "
            "haben, senden wir Ihnen kostenlos Ersatz für Bestellung {order}; den defekten Artikel "
            "müssen Sie nicht zurückschicken. Freundliche Grüße, {agent}"
        ),
        "wrong_item": (
            "Hallo {name}, entschuldigen Sie bitte die Verwechslung bei Bestellung {order}. Wir "
            "schicken Ihnen sofort den richtigen Artikel, den falschen können Sie kostenlos über "
            "diesen Link zurücksenden: {return_url}. Vielen Dank für Ihr Verständnis. Viele Grüße, "
            "{agent}"
        ),
        "missing_item": (
            "Hallo {name}, es tut uns leid, dass ein Artikel aus Bestellung {order} gefehlt hat. "
            "Wir haben geprüft, dass er nicht mitverschickt wurde, und senden ihn heute nach. Die "
            "neue Sendungsnummer erhalten Sie, sobald sie verfügbar ist. Viele Grüße, {agent}"
        ),
        "not_as_described": (
            "Hallo {name}, danke für Ihre Rückmeldung, und es tut mir leid, dass der Artikel nicht "
            "Ihren Erwartungen entspricht. Sie können ihn über {return_url} gegen volle Erstattung "
            "zurückschicken oder ihn behalten und eine Teilerstattung erhalten. Sagen Sie mir "
            "einfach, was Ihnen lieber ist. Freundliche Grüße, {agent}"
        ),
        "return_request": (
            "Hallo {name}, kein Problem – unbenutzte Artikel können Sie innerhalb von 30 Tagen "
            "nach Erhalt zurückgeben. Bitte starten Sie die Rücksendung hier: {return_url}; sobald "
            "das Paket bei uns ist, erstatten wir Bestellung {order}. Bitte beachten Sie, dass "
            "Hygieneartikel wie Kosmetik nach dem Öffnen von der Rückgabe ausgeschlossen sind. "
            "Viele Grüße, {agent}"
        ),
        "refund_status": (
            "Hallo {name}, ich habe Bestellung {order} geprüft: Die Erstattung wurde von uns "
            "bereits veranlasst. Je nach Bank dauert es 5–10 Werktage, bis sie auf Ihrem Konto "
            "erscheint. Falls danach noch nichts da ist, antworten Sie einfach und ich schicke "
            "Ihnen die Transaktionsreferenz. Viele Grüße, {agent}"
        ),
        "cancel_order": (
            "Hallo {name}, Ihre Bestellung {order} wurde vor dem Versand storniert und der volle "
            "Betrag auf Ihr ursprüngliches Zahlungsmittel erstattet. Die Gutschrift sollte in "
            "wenigen Werktagen sichtbar sein. Viele Grüße, {agent}"
        ),
        "change_order": (
            "Hallo {name}, danke für Ihre schnelle Nachricht. Wir haben Bestellung {order} wie "
            "gewünscht angepasst, sie wird innerhalb von 1–2 Werktagen versendet. Bitte prüfen Sie "
            "die Angaben in der Bestätigungsmail. Viele Grüße, {agent}"
        ),
        "customs_duties": (
            "Hallo {name}, es tut mir leid wegen der unerwarteten Zollgebühren für Bestellung "
            "{order}. Bitte senden Sie uns ein Foto des Zollbescheids oder der Quittung, wir "
            "erstatten Ihnen die Kosten. Den Sendungsstatus finden Sie hier: {tracking_url}. "
            "Freundliche Grüße, {agent}"
        ),
        "product_question": (
            "Hallo {name}, vielen Dank für Ihre Frage. Im Anhang finden Sie die technischen Daten "
            "und eine kurze Anleitung auf Deutsch. Wenn noch etwas unklar ist, helfe ich gerne "
            "weiter. Viele Grüße, {agent}"
        ),
        "invoice_request": (
            "Hallo {name}, anbei erhalten Sie die Rechnung mit ausgewiesener MwSt. für Bestellung "
            "{order}. Falls Firmenname oder USt-IdNr. ergänzt werden sollen, schicken Sie mir die "
            "Daten und ich stelle sie neu aus. Freundliche Grüße, {agent}"
        ),
        "payment_issue": (
            "Hallo {name}, entschuldigen Sie die Unannehmlichkeiten mit der Zahlung. Für "
            "Bestellung {order} wurde nur ein Betrag tatsächlich eingezogen; die zweite Buchung "
            "ist eine Vormerkung, die Ihre Bank in wenigen Tagen automatisch freigibt. Sollte sie "
            "nach einer Woche noch da sein, schicken Sie uns bitte einen Screenshot Ihrer "
            "Abrechnung. Viele Grüße, {agent}"
        ),
        "feedback_positive": (
            "Hallo {name}, vielen herzlichen Dank für Ihre netten Worte, das freut uns sehr! "
            "Schön, dass Sie mit Ihrer Bestellung zufrieden sind. Wenn Sie einen Moment Zeit "
            "haben, würde uns eine kurze Bewertung sehr helfen. Herzliche Grüße, {agent}"
        ),
        "other": (
            "Hallo {name}, vielen Dank für Ihre Nachricht. Ich habe sie an das zuständige Team "
            "weitergeleitet, das sich innerhalb von 2 Werktagen bei Ihnen meldet. Viele Grüße, "
            "{agent}"
        ),
    },
    "fr": {
        "where_is_my_order": (
            "Bonjour {name}, merci pour votre patience. Votre commande {order} est bien en route "
            "avec le numéro de suivi {tracking}, consultable ici : {tracking_url}. Les colis "
            "internationaux peuvent prendre quelques jours de plus au centre de tri, mais "
            "l'acheminement se déroule normalement. Bien cordialement, {agent}"
        ),
        "not_received": (
            "Bonjour {name}, je suis désolé que vous n'ayez pas reçu votre colis. Le transporteur "
            "indique l'envoi {tracking} comme livré, nous avons donc ouvert une enquête ; "
            "pourriez-vous aussi vérifier auprès de vos voisins et de votre gardien ? Sans "
            "nouvelles sous 3 jours ouvrés, nous vous renverrons la commande {order} ou vous "
            "rembourserons intégralement. Bien cordialement, {agent}"
        ),
        "damaged_item": (
            "Bonjour {name}, je suis vraiment navré que l'article soit arrivé endommagé. "
            "Pourriez-vous nous envoyer quelques photos du produit et de l'emballage ? Dès "
            "réception, nous vous expédierons gratuitement un remplacement pour la commande {order}"
            ", sans besoin de retourner l'article abîmé. Cordialement, {agent}"
        ),
        "wrong_item": (
            "Bonjour {name}, toutes nos excuses pour l'erreur sur la commande {order}. Nous vous "
            "envoyons immédiatement le bon article, et vous pouvez retourner l'autre gratuitement "
            "via ce lien : {return_url}. Merci de votre compréhension. Bien à vous, {agent}"
        ),
        "missing_item": (
            "Bonjour {name}, désolé qu'il manque un article dans la commande {order}. Après "
            "vérification, il n'a effectivement pas été expédié ; nous l'envoyons aujourd'hui. Je "
            "vous transmettrai le nouveau numéro de suivi dès qu'il sera disponible. Bien "
            "cordialement, {agent}"
        ),
        "not_as_described": (
            "Bonjour {name}, merci pour votre retour et désolé que le produit ne corresponde pas à "
            "vos attentes. Vous pouvez le retourner pour un remboursement complet via {return_url}"
            ", ou le garder avec un remboursement partiel si vous préférez. Dites-moi simplement "
            "ce qui vous convient. Cordialement, {agent}"
        ),
        "return_request": (
            "Bonjour {name}, pas de souci : les articles non utilisés peuvent être retournés dans "
            "les 30 jours suivant la livraison. Merci de créer votre retour ici : {return_url} ; "
            "le remboursement de la commande {order} sera effectué dès réception du colis. "
            "Attention, les produits d'hygiène comme les cosmétiques ne sont pas repris une fois "
            "ouverts. Bien cordialement, {agent}"
        ),
        "refund_status": (
            "Bonjour {name}, j'ai vérifié la commande {order} : le remboursement a bien été "
            "effectué de notre côté. Selon votre banque, il faut compter 5 à 10 jours ouvrés pour "
            "qu'il apparaisse sur votre relevé. Si ce n'est toujours pas le cas après ce délai, "
            "répondez-moi et je vous enverrai la référence de la transaction. Bien à vous, {agent}"
        ),
        "cancel_order": (
            "Bonjour {name}, votre commande {order} a bien été annulée avant expédition et le "
            "remboursement intégral a été émis sur votre moyen de paiement d'origine. Il "
            "apparaîtra d'ici quelques jours ouvrés. Bien cordialement, {agent}"
        ),
        "change_order": (
            "Bonjour {name}, merci de nous avoir prévenus rapidement. La commande {order} a été "
            "modifiée comme demandé et sera expédiée sous 1 à 2 jours ouvrés. Pensez à vérifier "
            "les informations dans l'e-mail de confirmation. Bien à vous, {agent}"
        ),
        "customs_duties": (
            "Bonjour {name}, désolé pour ces frais de douane inattendus sur la commande {order}. "
            "Envoyez-nous une photo de l'avis ou du reçu de la douane et nous vous rembourserons "
            "ces frais. Vous pouvez suivre le colis ici : {tracking_url}. Cordialement, {agent}"
        ),
        "product_question": (
            "Bonjour {name}, merci pour votre question. Vous trouverez en pièce jointe la fiche "
            "technique et un petit guide d'utilisation en français. Si quelque chose n'est pas "
            "clair, n'hésitez pas à me répondre. Bien cordialement, {agent}"
        ),
        "invoice_request": (
            "Bonjour {name}, veuillez trouver ci-joint la facture avec TVA pour la commande {order}"
            ". Si vous souhaitez y ajouter la raison sociale ou le numéro de TVA, envoyez-moi les "
            "informations et je la rééditerai. Cordialement, {agent}"
        ),
        "payment_issue": (
            "Bonjour {name}, désolé pour ce souci de paiement. Je vous confirme qu'un seul "
            "prélèvement a été encaissé pour la commande {order} ; le second est une "
            "pré-autorisation que votre banque libérera automatiquement sous quelques jours. S'il "
            "apparaît encore dans une semaine, envoyez-nous une capture de votre relevé. Bien à "
            "vous, {agent}"
        ),
        "feedback_positive": (
            "Bonjour {name}, merci beaucoup pour votre gentil message, ça nous fait très plaisir ! "
            "Ravis que votre commande vous plaise. Si vous avez une minute, un petit avis nous "
            "aiderait énormément. Belle journée, {agent}"
        ),
        "other": (
            "Bonjour {name}, merci pour votre message. Je l'ai transmis à l'équipe concernée, qui "
            "reviendra vers vous sous 2 jours ouvrés. Bien cordialement, {agent}"
        ),
    },
    "es": {
        "where_is_my_order": (
            "Hola {name}, gracias por tu paciencia. Tu pedido {order} ya está en camino con el "
            "número de seguimiento {tracking}; puedes consultarlo aquí: {tracking_url}. Los envíos "
            "internacionales a veces tardan unos días más en el centro de clasificación, pero todo "
            "avanza con normalidad. Un saludo, {agent}"
        ),
        "not_received": (
            "Hola {name}, siento mucho que no hayas recibido el paquete. El transportista marca el "
            "envío {tracking} como entregado, así que hemos abierto una reclamación; ¿podrías "
            "preguntar también a tus vecinos o al conserje? Si no aparece en 3 días laborables, te "
            "enviaremos de nuevo el pedido {order} o te haremos el reembolso completo. Un saludo, "
            "{agent}"
        ),
        "damaged_item": (
            "Hola {name}, lamento mucho que el producto llegara dañado. ¿Nos puedes enviar un par "
            "de fotos del artículo y del embalaje? En cuanto las recibamos te mandaremos un "
            "reemplazo gratuito del pedido {order}, y no hace falta que devuelvas el artículo "
            "roto. Saludos cordiales, {agent}"
        ),
        "wrong_item": (
            "Hola {name}, disculpa la confusión con el pedido {order}. Te enviamos ahora mismo el "
            "artículo correcto, y puedes devolver el equivocado sin coste con este enlace: "
            "{return_url}. Gracias por tu comprensión. Un saludo, {agent}"
        ),
        "missing_item": (
            "Hola {name}, sentimos que faltara un artículo en el pedido {order}. Lo hemos "
            "comprobado y efectivamente no se incluyó, así que lo enviamos hoy mismo. Te pasaré el "
            "nuevo número de seguimiento en cuanto esté disponible. Un saludo, {agent}"
        ),
        "not_as_described": (
            "Hola {name}, gracias por avisarnos y perdona que el producto no cumpla tus "
            "expectativas. Puedes devolverlo con reembolso completo en {return_url} o, si lo "
            "prefieres, quedártelo con un reembolso parcial. Dime qué opción te viene mejor. "
            "Saludos cordiales, {agent}"
        ),
        "return_request": (
            "Hola {name}, sin problema: puedes devolver artículos sin usar en un plazo de 30 días "
            "desde la entrega. Inicia la devolución aquí: {return_url} y te reembolsaremos el "
            "pedido {order} cuando el paquete llegue a nuestro almacén. Ten en cuenta que los "
            "productos de higiene, como la cosmética, no admiten devolución una vez abiertos. Un "
            "saludo, {agent}"
        ),
        "refund_status": (
            "Hola {name}, he revisado el pedido {order} y el reembolso ya está tramitado por "
            "nuestra parte. Según tu banco, puede tardar entre 5 y 10 días laborables en aparecer. "
            "Si pasado ese plazo no lo ves, responde a este correo y te envío la referencia de la "
            "transacción. Un saludo, {agent}"
        ),
        "cancel_order": (
            "Hola {name}, tu pedido {order} se ha cancelado antes del envío y hemos emitido el "
            "reembolso completo a tu método de pago original. Lo verás en unos días laborables. Un "
            "saludo, {agent}"
        ),
        "change_order": (
            "Hola {name}, gracias por escribirnos tan rápido. Hemos modificado el pedido {order} "
            "según nos indicaste y saldrá en 1–2 días laborables. Revisa por favor los datos en el "
            "correo de confirmación. Un saludo, {agent}"
        ),
        "customs_duties": (
            "Hola {name}, sentimos el cargo de aduanas inesperado en el pedido {order}. Envíanos "
            "una foto de la notificación o del recibo de aduanas y te reembolsaremos el importe. "
            "Puedes seguir el paquete aquí: {tracking_url}. Saludos cordiales, {agent}"
        ),
        "product_question": (
            "Hola {name}, gracias por tu consulta. Te adjunto la ficha técnica y una pequeña guía "
            "de uso en español. Si te queda alguna duda, responde a este correo y te ayudo "
            "encantado. Un saludo, {agent}"
        ),
        "invoice_request": (
            "Hola {name}, te adjunto la factura con IVA del pedido {order}. Si necesitas que "
            "añadamos la razón social o el CIF, mándame los datos y la emito de nuevo. Saludos "
            "cordiales, {agent}"
        ),
        "payment_issue": (
            "Hola {name}, perdona las molestias con el pago. Te confirmo que solo se ha cobrado un "
            "cargo del pedido {order}; el segundo es una preautorización que tu banco liberará "
            "automáticamente en unos días. Si sigue apareciendo dentro de una semana, envíanos una "
            "captura del extracto. Un saludo, {agent}"
        ),
        "feedback_positive": (
            "Hola {name}, ¡muchísimas gracias por tus palabras, nos has alegrado el día! Nos "
            "encanta que el pedido te haya gustado. Si tienes un momento, una reseña nos ayudaría "
            "muchísimo. Un abrazo, {agent}"
        ),
        "other": (
            "Hola {name}, gracias por tu mensaje. Lo he pasado al equipo correspondiente y se "
            "pondrán en contacto contigo en un plazo de 2 días laborables. Un saludo, {agent}"
        ),
    },
    "it": {
        "where_is_my_order": (
            "Ciao {name}, grazie per la pazienza. Il tuo ordine {order} è in viaggio con il numero "
            "di tracking {tracking}, che puoi seguire qui: {tracking_url}. Le spedizioni "
            "internazionali possono richiedere qualche giorno in più al centro di smistamento, ma "
            "tutto procede regolarmente. Un saluto, {agent}"
        ),
        "not_received": (
            "Ciao {name}, mi dispiace che il pacco non ti sia arrivato. Al corriere la spedizione "
            "{tracking} risulta consegnata, quindi abbiamo aperto una pratica di verifica; "
            "potresti chiedere anche ai vicini o al portiere? Se entro 3 giorni lavorativi non "
            "salta fuori, ti rispediamo l'ordine {order} oppure ti rimborsiamo per intero. Un "
            "saluto, {agent}"
        ),
        "damaged_item": (
            "Ciao {name}, mi dispiace davvero che l'articolo sia arrivato danneggiato. Puoi "
            "inviarci un paio di foto del prodotto e dell'imballo? Appena le riceviamo ti spediamo "
            "gratuitamente un sostituto per l'ordine {order}, senza bisogno di rendere quello "
            "rotto. Cordiali saluti, {agent}"
        ),
        "wrong_item": (
            "Ciao {name}, ci scusiamo per l'errore sull'ordine {order}. Ti inviamo subito "
            "l'articolo corretto e puoi rendere quello sbagliato gratuitamente tramite questo "
            "link: {return_url}. Grazie per la comprensione. Un saluto, {agent}"
        ),
        "missing_item": (
            "Ciao {name}, ci dispiace che mancasse un articolo nell'ordine {order}. Abbiamo "
            "verificato che non era stato spedito e lo inviamo oggi stesso. Ti manderò il nuovo "
            "numero di tracking appena disponibile. Un saluto, {agent}"
        ),
        "not_as_described": (
            "Ciao {name}, grazie per la segnalazione e ci dispiace che il prodotto non sia "
            "all'altezza delle aspettative. Puoi restituirlo con rimborso completo tramite "
            "{return_url} oppure tenerlo con un rimborso parziale, se preferisci. Fammi sapere "
            "quale soluzione ti va meglio. Cordiali saluti, {agent}"
        ),
        "return_request": (
            "Ciao {name}, nessun problema: gli articoli non utilizzati si possono restituire entro "
            "30 giorni dalla consegna. Avvia il reso qui: {return_url} e rimborseremo l'ordine "
            "{order} appena il pacco arriva al nostro magazzino. Ti ricordo che i prodotti per "
            "l'igiene, come i cosmetici, non si possono rendere una volta aperti. Un saluto, "
            "{agent}"
        ),
        "refund_status": (
            "Ciao {name}, ho controllato l'ordine {order} e il rimborso è già stato elaborato da "
            "parte nostra. A seconda della banca, possono servire 5–10 giorni lavorativi perché "
            "compaia sull'estratto conto. Se dopo non lo vedi ancora, rispondi a questa email e ti "
            "mando il riferimento della transazione. Un saluto, {agent}"
        ),
        "cancel_order": (
            "Ciao {name}, il tuo ordine {order} è stato annullato prima della spedizione e abbiamo "
            "emesso il rimborso completo sul metodo di pagamento originale. Lo vedrai accreditato "
            "entro pochi giorni lavorativi. Un saluto, {agent}"
        ),
        "change_order": (
            "Ciao {name}, grazie per averci scritto subito. Abbiamo modificato l'ordine {order} "
            "come richiesto e partirà entro 1–2 giorni lavorativi. Controlla per favore i dati "
            "nell'email di conferma. Un saluto, {agent}"
        ),
        "customs_duties": (
            "Ciao {name}, ci dispiace per i costi doganali imprevisti sull'ordine {order}. Mandaci "
            "una foto dell'avviso o della ricevuta della dogana e ti rimborseremo l'importo. Puoi "
            "seguire il pacco qui: {tracking_url}. Cordiali saluti, {agent}"
        ),
        "product_question": (
            "Ciao {name}, grazie per la domanda. In allegato trovi la scheda tecnica e una breve "
            "guida d'uso in italiano. Se qualcosa non è chiaro, rispondi pure e ti aiuto "
            "volentieri. Un saluto, {agent}"
        ),
        "invoice_request": (
            "Ciao {name}, in allegato trovi la fattura dell'ordine {order}. Se serve aggiungere "
            "ragione sociale o partita IVA, mandami i dati e la riemetto. Cordiali saluti, {agent}"
        ),
        "payment_issue": (
            "Ciao {name}, scusa per il problema con il pagamento. Ti confermo che per l'ordine "
            "{order} è stato incassato un solo addebito; il secondo è una preautorizzazione che la "
            "banca sbloccherà automaticamente in pochi giorni. Se tra una settimana è ancora lì, "
            "inviaci uno screenshot dell'estratto conto. Un saluto, {agent}"
        ),
        "feedback_positive": (
            "Ciao {name}, grazie di cuore per le belle parole, ci hai migliorato la giornata! "
            "Siamo felici che l'ordine ti sia piaciuto. Se hai un minuto, una breve recensione ci "
            "aiuterebbe tantissimo. A presto, {agent}"
        ),
        "other": (
            "Ciao {name}, grazie per il messaggio. L'ho inoltrato al team competente, che ti "
            "risponderà entro 2 giorni lavorativi. Un saluto, {agent}"
        ),
    },
    "ja": {
        "where_is_my_order": (
            "{name}様、お問い合わせありがとうございます。ご注文{order}は追跡番号{tracking}にて配送"
            "中で、こちらから状況をご確認いただけます：{tracking_url}。国際配送のため仕分けセンター"
            "で数日お時間をいただく場合がございますが、現在順調に輸送されております。担当：{agent}"
        ),
        "not_received": (
            "{name}様、お荷物がお手元に届いておらず大変申し訳ございません。追跡番号{tracking}は配達"
            "完了となっているため、配送業者に調査を依頼いたしました。お手数ですが、宅配ボックスやご"
            "近所にもご確認いただけますでしょうか。3営業日以内に見つからない場合は、ご注文{order}を"
            "再送または全額返金いたします。担当：{agent}"
        ),
        "damaged_item": (
            "{name}様、商品が破損した状態で届き、大変申し訳ございません。お手数ですが、商品と外箱の"
            "写真を数枚お送りいただけますでしょうか。確認でき次第、ご注文{order}の交換品を無料でお"
            "送りいたします。破損品のご返送は不要です。担当：{agent}"
        ),
        "wrong_item": (
            "{name}様、ご注文{order}にて誤った商品をお送りしてしまい、誠に申し訳ございません。正し"
            "い商品をすぐに発送いたします。誤配送品はこちらのリンクから無料でご返送いただけます："
            "{return_url}。担当：{agent}"
        ),
        "missing_item": (
            "{name}様、ご注文{order}に商品の入れ漏れがあり申し訳ございません。確認したところ未発送"
            "でしたので、本日追加で発送いたします。新しい追跡番号が発行され次第ご連絡いたします。担"
            "当：{agent}"
        ),
        "not_as_described": (
            "{name}様、ご連絡ありがとうございます。商品がご期待に沿えず申し訳ございません。"
            "{return_url}より返品いただければ全額返金いたします。また、商品をお手元に残していただく"
            "場合は一部返金も可能です。ご希望をお知らせください。担当：{agent}"
        ),
        "return_request": (
            "{name}様、承知いたしました。未使用の商品はお受け取りから30日以内であれば返品可能です。"
            "こちらから返品手続きをお願いいたします：{return_url}。倉庫に到着次第、ご注文{order}の"
            "返金を行います。なお、化粧品などの衛生用品は開封後の返品をお受けできませんのでご了承く"
            "ださい。担当：{agent}"
        ),
        "refund_status": (
            "{name}様、ご注文{order}を確認いたしましたところ、返金処理は当社にて完了しております。"
            "カード会社によっては明細への反映まで5〜10営業日ほどかかる場合がございます。それ以降も"
            "確認できない場合はご返信ください。取引番号をお知らせいたします。担当：{agent}"
        ),
        "cancel_order": (
            "{name}様、ご注文{order}は発送前にキャンセルいたしました。お支払い方法へ全額返金済みで"
            "、数営業日以内に反映される予定です。担当：{agent}"
        ),
        "change_order": (
            "{name}様、早めにご連絡いただきありがとうございます。ご注文{order}をご依頼どおりに変更"
            "いたしました。1〜2営業日以内に発送予定です。確認メールの内容をご確認ください。担当："
            "{agent}"
        ),
        "customs_duties": (
            "{name}様、ご注文{order}に想定外の関税が発生してしまい申し訳ございません。税関の通知書"
            "または領収書の写真をお送りいただければ、当社にて費用を返金いたします。配送状況はこちら"
            "からご確認いただけます：{tracking_url}。担当：{agent}"
        ),
        "product_question": (
            "{name}様、お問い合わせありがとうございます。商品の詳しい仕様と日本語の簡単な使い方ガイ"
            "ドを添付いたしました。ご不明な点がございましたら、お気軽にご返信ください。担当："
            "{agent}"
        ),
        "invoice_request": (
            "{name}様、ご注文{order}の領収書を添付いたしました。宛名や登録番号の追加が必要な場合は"
            "、詳細をお知らせいただければ再発行いたします。担当：{agent}"
        ),
        "payment_issue": (
            "{name}様、お支払いの件でご迷惑をおかけし申し訳ございません。ご注文{order}で実際に請求"
            "されたのは1件のみで、もう1件はカード会社の仮売上のため、数日以内に自動的に取り消されま"
            "す。1週間経っても残っている場合は、明細のスクリーンショットをお送りください。担当："
            "{agent}"
        ),
        "feedback_positive": (
            "{name}様、温かいお言葉をいただき本当にありがとうございます。スタッフ一同とても励みにな"
            "ります！もしよろしければ、商品ページにレビューをいただけますと大変嬉しいです。担当："
            "{agent}"
        ),
        "other": (
            "{name}様、お問い合わせありがとうございます。担当部署に転送いたしましたので、2営業日以"
            "内にご連絡いたします。担当：{agent}"
        ),
    },
    "pt": {
        "where_is_my_order": (
            "Olá {name}, obrigado pela paciência. Seu pedido {order} já está a caminho com o "
            "código de rastreio {tracking}, que você pode acompanhar aqui: {tracking_url}. Envios "
            "internacionais podem levar alguns dias a mais no centro de triagem, mas tudo está "
            "seguindo normalmente. Abraços, {agent}"
        ),
        "not_received": (
            "Olá {name}, sentimos muito que o pacote não tenha chegado até você. A transportadora "
            "marca o envio {tracking} como entregue, então abrimos uma investigação; você poderia "
            "verificar também com vizinhos e a portaria? Se não aparecer em 3 dias úteis, "
            "reenviaremos o pedido {order} ou faremos o reembolso integral. Abraços, {agent}"
        ),
        "damaged_item": (
            "Olá {name}, lamentamos muito que o produto tenha chegado danificado. Você pode nos "
            "enviar algumas fotos do item e da embalagem? Assim que recebermos, enviaremos "
            "gratuitamente um novo para o pedido {order}, sem necessidade de devolver o item "
            "quebrado. Atenciosamente, {agent}"
        ),
        "wrong_item": (
            "Olá {name}, pedimos desculpas pela troca no pedido {order}. Vamos enviar o item "
            "correto imediatamente, e você pode devolver o errado sem custo por este link: "
            "{return_url}. Obrigado pela compreensão. Abraços, {agent}"
        ),
        "missing_item": (
            "Olá {name}, desculpe pelo item que faltou no pedido {order}. Verificamos e ele "
            "realmente não foi enviado, então vamos despachá-lo hoje mesmo. Assim que o novo "
            "código de rastreio estiver disponível, te aviso. Abraços, {agent}"
        ),
        "not_as_described": (
            "Olá {name}, obrigado pelo retorno e sentimos muito que o produto não tenha atendido "
            "às suas expectativas. Você pode devolvê-lo com reembolso integral em {return_url} ou, "
            "se preferir, ficar com ele e receber um reembolso parcial. É só me dizer qual opção "
            "prefere. Atenciosamente, {agent}"
        ),
        "return_request": (
            "Olá {name}, sem problemas: itens não usados podem ser devolvidos em até 30 dias após "
            "a entrega. Inicie a devolução aqui: {return_url} e faremos o reembolso do pedido "
            "{order} assim que o pacote chegar ao nosso armazém. Lembramos que produtos de "
            "higiene, como cosméticos, não podem ser devolvidos depois de abertos. Abraços, {agent}"
        ),
        "refund_status": (
            "Olá {name}, verifiquei o pedido {order} e o reembolso já foi processado do nosso "
            "lado. Dependendo do banco, pode levar de 5 a 10 dias úteis para aparecer na fatura. "
            "Se depois desse prazo ainda não aparecer, responda este e-mail que envio o "
            "comprovante da transação. Abraços, {agent}"
        ),
        "cancel_order": (
            "Olá {name}, seu pedido {order} foi cancelado antes do envio e o reembolso integral já "
            "foi feito no mesmo meio de pagamento. Ele deve aparecer em alguns dias úteis. "
            "Abraços, {agent}"
        ),
        "change_order": (
            "Olá {name}, obrigado por avisar rapidinho. Já alteramos o pedido {order} conforme "
            "solicitado, e ele será enviado em 1–2 dias úteis. Confira os dados no e-mail de "
            "confirmação, por favor. Abraços, {agent}"
        ),
        "customs_duties": (
            "Olá {name}, sentimos muito pela taxa de importação inesperada no pedido {order}. "
            "Envie uma foto do aviso ou do comprovante de pagamento da alfândega e reembolsaremos "
            "o valor. Você pode acompanhar o pacote aqui: {tracking_url}. Atenciosamente, {agent}"
        ),
        "product_question": (
            "Olá {name}, obrigado pela pergunta. Segue em anexo a ficha técnica e um guia rápido "
            "de uso em português. Se ficar qualquer dúvida, é só responder que eu ajudo. Abraços, "
            "{agent}"
        ),
        "invoice_request": (
            "Olá {name}, segue em anexo a nota fiscal do pedido {order}. Se precisar incluir razão "
            "social ou CNPJ, me envie os dados que emitimos novamente. Atenciosamente, {agent}"
        ),
        "payment_issue": (
            "Olá {name}, desculpe pelo transtorno com o pagamento. Confirmo que apenas uma "
            "cobrança foi efetivada no pedido {order}; a segunda é uma pré-autorização que o banco "
            "libera automaticamente em alguns dias. Se ainda aparecer depois de uma semana, envie "
            "um print da fatura para nós. Abraços, {agent}"
        ),
        "feedback_positive": (
            "Olá {name}, muito obrigado pelas palavras carinhosas, você fez o nosso dia! Ficamos "
            "muito felizes que tenha gostado do pedido. Se puder, deixe uma avaliação, isso nos "
            "ajuda demais. Abraços, {agent}"
        ),
        "other": (
            "Olá {name}, obrigado pela mensagem. Encaminhei para a equipe responsável, que vai "
            "retornar em até 2 dias úteis. Abraços, {agent}"
        ),
    },
    "nl": {
        "where_is_my_order": (
            "Hoi {name}, bedankt voor je geduld. Je bestelling {order} is onderweg met "
            "trackingnummer {tracking}; je kunt hem hier volgen: {tracking_url}. Internationale "
            "zendingen hebben soms een paar dagen extra nodig in het sorteercentrum, maar alles "
            "verloopt normaal. Groetjes, {agent}"
        ),
        "not_received": (
            "Hoi {name}, wat vervelend dat je pakket niet is aangekomen. De vervoerder meldt "
            "zending {tracking} als bezorgd, dus we hebben een onderzoek gestart; wil je ook even "
            "bij de buren navragen? Als het binnen 3 werkdagen niet boven water komt, sturen we "
            "bestelling {order} opnieuw of betalen we het volledige bedrag terug. Groetjes, {agent}"
        ),
        "damaged_item": (
            "Hoi {name}, het spijt me echt dat het artikel beschadigd is aangekomen. Kun je ons "
            "een paar foto's sturen van het product en de verpakking? Zodra we die hebben, sturen "
            "we kosteloos een vervanging voor bestelling {order}; het kapotte artikel hoef je niet "
            "terug te sturen. Met vriendelijke groet, {agent}"
        ),
        "wrong_item": (
            "Hoi {name}, excuses voor de verwisseling bij bestelling {order}. We sturen het juiste "
            "artikel meteen op, en het verkeerde kun je gratis retourneren via deze link: "
            "{return_url}. Bedankt voor je begrip. Groetjes, {agent}"
        ),
        "missing_item": (
            "Hoi {name}, sorry dat er een artikel ontbrak in bestelling {order}. We hebben "
            "gecontroleerd dat het niet is meegestuurd en versturen het vandaag alsnog. Ik stuur "
            "je de nieuwe trackingcode zodra die beschikbaar is. Groetjes, {agent}"
        ),
        "not_as_described": (
            "Hoi {name}, bedankt voor je bericht en sorry dat het product niet aan je "
            "verwachtingen voldoet. Je kunt het retourneren voor een volledige terugbetaling via "
            "{return_url}, of het houden met een gedeeltelijke terugbetaling als je dat liever "
            "hebt. Laat maar weten wat je voorkeur heeft. Met vriendelijke groet, {agent}"
        ),
        "return_request": (
            "Hoi {name}, geen probleem: ongebruikte artikelen kun je binnen 30 dagen na ontvangst "
            "retourneren. Start je retour hier: {return_url}; zodra het pakket in ons magazijn is, "
            "betalen we bestelling {order} terug. Let op: hygiëneartikelen zoals cosmetica kunnen "
            "na opening niet retour. Groetjes, {agent}"
        ),
        "refund_status": (
            "Hoi {name}, ik heb bestelling {order} nagekeken en de terugbetaling is aan onze kant "
            "al verwerkt. Afhankelijk van je bank duurt het 5–10 werkdagen voordat het op je "
            "rekening staat. Zie je het daarna nog niet, reageer dan op deze mail en ik stuur je "
            "de transactiereferentie. Groetjes, {agent}"
        ),
        "cancel_order": (
            "Hoi {name}, je bestelling {order} is geannuleerd voordat hij verzonden werd en het "
            "volledige bedrag is teruggestort op je oorspronkelijke betaalmethode. Je ziet het "
            "binnen een paar werkdagen terug. Groetjes, {agent}"
        ),
        "change_order": (
            "Hoi {name}, bedankt dat je zo snel contact opnam. We hebben bestelling {order} "
            "aangepast zoals gevraagd en hij wordt binnen 1–2 werkdagen verzonden. Controleer even "
            "de gegevens in de bevestigingsmail. Groetjes, {agent}"
        ),
        "customs_duties": (
            "Hoi {name}, sorry voor de onverwachte douanekosten bij bestelling {order}. Stuur ons "
            "een foto van de douanebrief of het betaalbewijs, dan vergoeden wij het bedrag. Je "
            "kunt het pakket hier volgen: {tracking_url}. Met vriendelijke groet, {agent}"
        ),
        "product_question": (
            "Hoi {name}, bedankt voor je vraag. In de bijlage vind je de specificaties en een "
            "korte handleiding in het Nederlands. Als er nog iets onduidelijk is, help ik je graag "
            "verder. Groetjes, {agent}"
        ),
        "invoice_request": (
            "Hoi {name}, in de bijlage vind je de factuur met btw voor bestelling {order}. Moeten "
            "bedrijfsnaam of btw-nummer erop, stuur me dan de gegevens en ik maak een nieuwe aan. "
            "Met vriendelijke groet, {agent}"
        ),
        "payment_issue": (
            "Hoi {name}, sorry voor het gedoe met je betaling. Voor bestelling {order} is maar één "
            "bedrag echt afgeschreven; de tweede is een reservering die je bank binnen een paar "
            "dagen automatisch vrijgeeft. Staat die er na een week nog, stuur ons dan een "
            "screenshot van je afschrift. Groetjes, {agent}"
        ),
        "feedback_positive": (
            "Hoi {name}, heel erg bedankt voor je lieve woorden, daar worden we blij van! Fijn dat "
            "je tevreden bent met je bestelling. Als je even tijd hebt, zou een korte review ons "
            "enorm helpen. Groetjes, {agent}"
        ),
        "other": (
            "Hoi {name}, bedankt voor je bericht. Ik heb het doorgestuurd naar het juiste team, "
            "dat binnen 2 werkdagen contact met je opneemt. Groetjes, {agent}"
        ),
    },
    "pl": {
        "where_is_my_order": (
            "Dzień dobry, dziękujemy za cierpliwość. Zamówienie {order} jest w drodze, numer "
            "przesyłki to {tracking}, a jej status można sprawdzić tutaj: {tracking_url}. "
            "Przesyłki międzynarodowe czasem zatrzymują się na kilka dni w sortowni, ale wszystko "
            "przebiega prawidłowo. Pozdrawiamy, {agent}"
        ),
        "not_received": (
            "Dzień dobry, bardzo nam przykro, że paczka nie dotarła. Przewoźnik oznaczył przesyłkę "
            "{tracking} jako doręczoną, dlatego złożyliśmy u niego reklamację; prosimy też o "
            "sprawdzenie u sąsiadów. Jeśli paczka nie odnajdzie się w ciągu 3 dni roboczych, "
            "wyślemy zamówienie {order} ponownie lub zwrócimy pełną kwotę. Pozdrawiamy, {agent}"
        ),
        "damaged_item": (
            "Dzień dobry, bardzo przepraszamy, że produkt dotarł uszkodzony. Prosimy o przesłanie "
            "kilku zdjęć produktu i opakowania. Po ich otrzymaniu bezpłatnie wyślemy nowy "
            "egzemplarz w ramach zamówienia {order}, a uszkodzonego produktu nie trzeba odsyłać. Z "
            "pozdrowieniami, {agent}"
        ),
        "wrong_item": (
            "Dzień dobry, przepraszamy za pomyłkę w zamówieniu {order}. Właściwy produkt wyślemy "
            "od razu, a błędny można bezpłatnie odesłać, korzystając z tego linku: {return_url}. "
            "Dziękujemy za wyrozumiałość. Pozdrawiamy, {agent}"
        ),
        "missing_item": (
            "Dzień dobry, przepraszamy, że w zamówieniu {order} zabrakło produktu. Sprawdziliśmy, "
            "że rzeczywiście nie został spakowany, więc wysyłamy go jeszcze dziś. Nowy numer "
            "przesyłki prześlemy, gdy tylko będzie dostępny. Pozdrawiamy, {agent}"
        ),
        "not_as_described": (
            "Dzień dobry, dziękujemy za informację i przykro nam, że produkt nie spełnił "
            "oczekiwań. Można go zwrócić z pełnym zwrotem pieniędzy przez {return_url} albo "
            "zatrzymać z częściowym zwrotem kosztów. Prosimy dać znać, która opcja jest "
            "wygodniejsza. Z pozdrowieniami, {agent}"
        ),
        "return_request": (
            "Dzień dobry, oczywiście – nieużywane produkty można zwrócić w ciągu 30 dni od "
            "doręczenia. Zwrot można zgłosić tutaj: {return_url}; pieniądze za zamówienie {order} "
            "oddamy, gdy paczka dotrze do naszego magazynu. Informujemy, że produkty higieniczne, "
            "takie jak kosmetyki, po otwarciu nie podlegają zwrotowi. Pozdrawiamy, {agent}"
        ),
        "refund_status": (
            "Dzień dobry, sprawdziliśmy zamówienie {order} – zwrot został już zlecony po naszej "
            "stronie. W zależności od banku zaksięgowanie może potrwać 5–10 dni roboczych. Jeśli "
            "po tym czasie środki nadal się nie pojawią, prosimy o odpowiedź, a prześlemy "
            "potwierdzenie transakcji. Pozdrawiamy, {agent}"
        ),
        "cancel_order": (
            "Dzień dobry, zamówienie {order} zostało anulowane przed wysyłką, a pełna kwota wróci "
            "na pierwotną metodę płatności. Środki powinny pojawić się w ciągu kilku dni "
            "roboczych. Pozdrawiamy, {agent}"
        ),
        "change_order": (
            "Dzień dobry, dziękujemy za szybki kontakt. Zamówienie {order} zostało zmienione "
            "zgodnie z prośbą i zostanie wysłane w ciągu 1–2 dni roboczych. Prosimy sprawdzić dane "
            "w e-mailu z potwierdzeniem. Pozdrawiamy, {agent}"
        ),
        "customs_duties": (
            "Dzień dobry, przepraszamy za nieoczekiwane opłaty celne przy zamówieniu {order}. "
            "Prosimy przesłać zdjęcie wezwania lub potwierdzenia zapłaty, a zwrócimy poniesione "
            "koszty. Przesyłkę można śledzić tutaj: {tracking_url}. Z pozdrowieniami, {agent}"
        ),
        "product_question": (
            "Dzień dobry, dziękujemy za pytanie. W załączniku przesyłamy specyfikację oraz krótką "
            "instrukcję obsługi po polsku. Jeśli coś będzie niejasne, chętnie pomożemy. "
            "Pozdrawiamy, {agent}"
        ),
        "invoice_request": (
            "Dzień dobry, w załączniku przesyłamy fakturę VAT do zamówienia {order}. Jeśli trzeba "
            "dopisać nazwę firmy lub NIP, prosimy o dane, a wystawimy ją ponownie. Z "
            "pozdrowieniami, {agent}"
        ),
        "payment_issue": (
            "Dzień dobry, przepraszamy za kłopot z płatnością. Za zamówienie {order} pobrano tylko "
            "jedną kwotę; druga to blokada autoryzacyjna, którą bank automatycznie zwolni w ciągu "
            "kilku dni. Jeśli po tygodniu nadal będzie widoczna, prosimy o zrzut ekranu z wyciągu. "
            "Pozdrawiamy, {agent}"
        ),
        "feedback_positive": (
            "Dzień dobry, serdecznie dziękujemy za miłe słowa, bardzo nas ucieszyły! Cieszymy się, "
            "że zamówienie się spodobało. Jeśli znajdzie się chwila, krótka opinia bardzo nam "
            "pomoże. Pozdrawiamy serdecznie, {agent}"
        ),
        "other": (
            "Dzień dobry, dziękujemy za wiadomość. Przekazaliśmy ją do odpowiedniego działu, który "
            "odpowie w ciągu 2 dni roboczych. Pozdrawiamy, {agent}"
        ),
    },
    "ko": {
        "where_is_my_order": (
            "{name}님, 안녕하세요. 기다려 주셔서 감사합니다. 주문 {order} 상품은 현재 배송 중이며 "
            "송장번호는 {tracking}입니다. 배송 조회는 여기에서 가능합니다: {tracking_url}. 해외 배"
            "송은 물류센터에서 며칠 더 걸릴 수 있지만 현재 정상적으로 이동 중입니다. {agent} 드림"
        ),
        "not_received": (
            "{name}님, 안녕하세요. 상품을 받지 못하셔서 정말 죄송합니다. 송장 {tracking} 건이 배송"
            "완료로 표시되어 택배사에 조사를 요청했으며, 번거로우시겠지만 경비실이나 이웃분께도 한 "
            "번 확인 부탁드립니다. 3영업일 내에 찾지 못하면 주문 {order} 상품을 재발송하거나 전액 "
            "환불해 드리겠습니다. {agent} 드림"
        ),
        "damaged_item": (
            "{name}님, 안녕하세요. 상품이 파손된 상태로 도착해 정말 죄송합니다. 상품과 외박스 사진"
            "을 몇 장 보내주시면 확인 후 주문 {order} 교환품을 무료로 보내드리겠습니다. 파손된 상품"
            "은 반송하지 않으셔도 됩니다. {agent} 드림"
        ),
        "wrong_item": (
            "{name}님, 안녕하세요. 주문 {order} 오배송으로 불편을 드려 죄송합니다. 올바른 상품을 바"
            "로 발송해 드리며, 잘못 받으신 상품은 이 링크에서 무료로 반품 신청하실 수 있습니다: "
            "{return_url}. 양해해 주셔서 감사합니다. {agent} 드림"
        ),
        "missing_item": (
            "{name}님, 안녕하세요. 주문 {order}에 상품이 누락되어 죄송합니다. 확인해 보니 실제로 발"
            "송되지 않아 오늘 바로 추가 발송하겠습니다. 새 송장번호가 나오는 대로 안내해 드리겠습니"
            "다. {agent} 드림"
        ),
        "not_as_described": (
            "{name}님, 안녕하세요. 소중한 의견 감사드리며 상품이 기대에 미치지 못해 죄송합니다. "
            "{return_url}에서 반품하시면 전액 환불해 드리고, 상품을 보관하시길 원하시면 부분 환불도"
            " 가능합니다. 원하시는 방법을 알려주세요. {agent} 드림"
        ),
        "return_request": (
            "{name}님, 안녕하세요. 미사용 상품은 수령 후 30일 이내에 반품 가능합니다. 반품은 다음 "
            "링크에서 신청해 주세요: {return_url}. 상품이 물류센터에 도착하는 대로 주문 {order} 환"
            "불을 진행해 드립니다. 단, 화장품 등 위생용품은 개봉 후 반품이 불가한 점 양해 부탁드립"
            "니다. {agent} 드림"
        ),
        "refund_status": (
            "{name}님, 안녕하세요. 주문 {order} 확인 결과 저희 쪽 환불 처리는 이미 완료되었습니다. "
            "카드사에 따라 내역에 반영되기까지 영업일 기준 5~10일 정도 걸릴 수 있습니다. 그 이후에"
            "도 확인되지 않으시면 회신 주세요, 거래 번호를 보내드리겠습니다. {agent} 드림"
        ),
        "cancel_order": (
            "{name}님, 안녕하세요. 주문 {order} 건은 발송 전에 취소 처리되었으며 결제하신 수단으로 "
            "전액 환불되었습니다. 영업일 기준 며칠 내로 확인하실 수 있습니다. {agent} 드림"
        ),
        "change_order": (
            "{name}님, 안녕하세요. 빠르게 연락 주셔서 감사합니다. 주문 {order} 건은 요청하신 대로 "
            "변경해 드렸으며 1~2영업일 내에 발송될 예정입니다. 확인 메일에서 정보를 한 번 더 확인해"
            " 주세요. {agent} 드림"
        ),
        "customs_duties": (
            "{name}님, 안녕하세요. 주문 {order}에 예상치 못한 관부가세가 부과되어 죄송합니다. 세관 "
            "고지서나 납부 영수증 사진을 보내주시면 해당 금액을 환불해 드리겠습니다. 배송 조회는 여"
            "기에서 가능합니다: {tracking_url}. {agent} 드림"
        ),
        "product_question": (
            "{name}님, 안녕하세요. 문의 주셔서 감사합니다. 상품 상세 사양과 한국어 사용 가이드를 첨"
            "부해 드렸습니다. 더 궁금하신 점이 있으면 언제든 회신 주세요. {agent} 드림"
        ),
        "invoice_request": (
            "{name}님, 안녕하세요. 주문 {order} 건의 인보이스를 첨부해 드립니다. 회사명이나 사업자"
            "등록번호 추가가 필요하시면 정보를 보내주세요, 재발행해 드리겠습니다. {agent} 드림"
        ),
        "payment_issue": (
            "{name}님, 안녕하세요. 결제 문제로 불편을 드려 죄송합니다. 주문 {order} 건은 실제로 한 "
            "번만 결제되었고, 나머지 한 건은 카드사 승인 보류 건으로 며칠 내 자동 취소됩니다. 일주"
            "일 후에도 남아 있으면 카드 내역 캡처를 보내주세요. {agent} 드림"
        ),
        "feedback_positive": (
            "{name}님, 안녕하세요. 따뜻한 말씀 정말 감사합니다, 덕분에 힘이 나네요! 상품이 마음에 "
            "드셨다니 저희도 기쁩니다. 시간 되실 때 짧은 리뷰 남겨주시면 큰 도움이 됩니다. {agent} "
            "드림"
        ),
        "other": (
            "{name}님, 안녕하세요. 문의 주셔서 감사합니다. 담당 부서에 전달해 드렸으며 영업일 기준 "
            "2일 이내에 연락드리겠습니다. {agent} 드림"
        ),
    },
    "sv": {
        "where_is_my_order": (
            "Hej {name}, tack för ditt tålamod. Din order {order} är på väg med spårningsnummer "
            "{tracking}, och du kan följa den här: {tracking_url}. Internationella paket kan ta "
            "några extra dagar på sorteringsterminalen, men allt går som det ska. Vänliga "
            "hälsningar, {agent}"
        ),
        "not_received": (
            "Hej {name}, vad tråkigt att paketet inte har kommit fram. Transportören har "
            "registrerat försändelse {tracking} som levererad, så vi har startat en utredning; kan "
            "du också höra med dina grannar? Om paketet inte dyker upp inom 3 arbetsdagar skickar "
            "vi order {order} på nytt eller betalar tillbaka hela beloppet. Vänliga hälsningar, "
            "{agent}"
        ),
        "damaged_item": (
            "Hej {name}, jag beklagar verkligen att varan kom skadad. Kan du skicka några bilder "
            "på produkten och förpackningen? Så fort vi fått dem skickar vi en ersättningsvara för "
            "order {order} utan kostnad, och du behöver inte returnera den trasiga. Med vänliga "
            "hälsningar, {agent}"
        ),
        "wrong_item": (
            "Hej {name}, vi ber om ursäkt för förväxlingen i order {order}. Vi skickar rätt vara "
            "direkt, och den felaktiga kan du returnera kostnadsfritt via den här länken: "
            "{return_url}. Tack för din förståelse. Vänliga hälsningar, {agent}"
        ),
        "missing_item": (
            "Hej {name}, förlåt att en vara saknades i order {order}. Vi har kontrollerat att den "
            "inte kom med och skickar den i dag. Jag mejlar det nya spårningsnumret så snart det "
            "finns. Vänliga hälsningar, {agent}"
        ),
        "not_as_described": (
            "Hej {name}, tack för att du hör av dig, och vi beklagar att produkten inte levde upp "
            "till förväntningarna. Du kan returnera den mot full återbetalning via {return_url}, "
            "eller behålla den och få en delvis återbetalning om du hellre vill det. Säg bara "
            "vilket alternativ som passar dig. Med vänliga hälsningar, {agent}"
        ),
        "return_request": (
            "Hej {name}, inga problem – oanvända varor kan returneras inom 30 dagar från leverans. "
            "Starta returen här: {return_url}, så betalar vi tillbaka order {order} när paketet "
            "har kommit till vårt lager. Observera att hygienartiklar som kosmetika inte kan "
            "returneras när förpackningen är öppnad. Vänliga hälsningar, {agent}"
        ),
        "refund_status": (
            "Hej {name}, jag har kollat order {order} och återbetalningen är redan genomförd från "
            "vår sida. Beroende på bank kan det ta 5–10 bankdagar innan den syns på kontot. Om du "
            "inte ser den efter det, svara på mejlet så skickar jag transaktionsreferensen. "
            "Vänliga hälsningar, {agent}"
        ),
        "cancel_order": (
            "Hej {name}, din order {order} har avbrutits innan den skickades och hela beloppet har "
            "återbetalats till ditt ursprungliga betalsätt. Det syns inom några bankdagar. Vänliga "
            "hälsningar, {agent}"
        ),
        "change_order": (
            "Hej {name}, tack för att du hörde av dig så snabbt. Vi har ändrat order {order} "
            "enligt önskemål, och den skickas inom 1–2 arbetsdagar. Dubbelkolla gärna uppgifterna "
            "i bekräftelsemejlet. Vänliga hälsningar, {agent}"
        ),
        "customs_duties": (
            "Hej {name}, vi beklagar den oväntade tullavgiften för order {order}. Skicka en bild "
            "på avin eller kvittot från tullen, så ersätter vi kostnaden. Du kan följa paketet "
            "här: {tracking_url}. Med vänliga hälsningar, {agent}"
        ),
        "product_question": (
            "Hej {name}, tack för din fråga. Jag bifogar produktspecifikationen och en kort "
            "bruksanvisning på svenska. Hör av dig om något är oklart så hjälper jag gärna till. "
            "Vänliga hälsningar, {agent}"
        ),
        "invoice_request": (
            "Hej {name}, här bifogas fakturan med specificerad moms för order {order}. Om du vill "
            "ha företagsnamn eller momsnummer tillagt, skicka uppgifterna så ställer jag ut en ny. "
            "Med vänliga hälsningar, {agent}"
        ),
        "payment_issue": (
            "Hej {name}, förlåt för krånglet med betalningen. För order {order} har bara ett "
            "belopp faktiskt dragits; det andra är en reservation som banken släpper automatiskt "
            "inom några dagar. Om den fortfarande syns efter en vecka, skicka gärna en skärmbild "
            "av kontoutdraget. Vänliga hälsningar, {agent}"
        ),
        "feedback_positive": (
            "Hej {name}, stort tack för de fina orden, de gjorde vår dag! Vad roligt att du är "
            "nöjd med din beställning. Om du har en minut skulle en kort recension hjälpa oss "
            "jättemycket. Varma hälsningar, {agent}"
        ),
        "other": (
            "Hej {name}, tack för ditt meddelande. Jag har skickat det vidare till rätt team, som "
            "återkommer inom 2 arbetsdagar. Vänliga hälsningar, {agent}"
        ),
    },
}

TEMPLATE_TITLES: dict[str, str] = {
    "where_is_my_order": "Where is my order — tracking update",
    "not_received": "Parcel not received — carrier investigation",
    "damaged_item": "Damaged item — free replacement",
    "wrong_item": "Wrong item sent — replacement and free return",
    "missing_item": "Missing item — reshipping",
    "not_as_described": "Not as described — return or partial refund",
    "return_request": "Return request — how to return",
    "refund_status": "Refund status — refund processed",
    "cancel_order": "Order cancelled — refund issued",
    "change_order": "Order change confirmed",
    "customs_duties": "Customs duties — reimbursement",
    "product_question": "Product question — specs and guide",
    "invoice_request": "Invoice request — invoice attached",
    "payment_issue": "Payment issue — duplicate charge explained",
    "feedback_positive": "Thank you for your feedback",
    "other": "General enquiry — forwarded to the team",
}

# Tracking checkpoint descriptions keyed by normalised status.
CHECKPOINTS: dict[str, list[str]] = {
    "info_received": [
        "Shipment information received",
        "Electronic shipping information received",
        "卖家已发货，等待快递揽收",
        "【深圳市】快件已被揽收",
        "Die Sendung wurde elektronisch angekündigt",
        "Information about the shipment received, awaiting item",
    ],
    "in_transit": [
        "Arrived at sorting center",
        "离开【深圳转运中心】，发往【香港】",
        "Departed from origin airport",
        "Arrived at destination country",
        "Die Sendung wurde im Start-Paketzentrum bearbeitet",
        "Votre colis est en cours d'acheminement",
    ],
    "out_for_delivery": [
        "Out for delivery",
        "Die Sendung wurde in das Zustellfahrzeug geladen",
        "Votre colis est en cours de livraison",
        "En reparto",
        "配達中",
        "배송출발",
    ],
    "available_for_pickup": [
        "Available for pickup at post office",
        "Die Sendung liegt in der Filiale zur Abholung bereit",
        "Disponible en point retrait",
        "Listo para recoger en oficina",
        "Pakket ligt klaar bij het PostNL-punt",
        "Przesyłka oczekuje na odbiór w Paczkomacie",
    ],
    "delivered": [
        "Delivered",
        "Delivered, left at front door",
        "Zugestellt",
        "Livré",
        "Entregado",
        "配達完了",
    ],
    "failed_attempt": [
        "Delivery attempted - no access to delivery location",
        "Delivery attempted - recipient not available",
        "Zustellversuch erfolglos, Empfänger nicht angetroffen",
        "Destinataire absent, avis de passage déposé",
        "Intento de entrega fallido: destinatario ausente",
        "ご不在のため持ち戻り",
    ],
    "exception": [
        "Address incomplete - awaiting instructions",
        "Shipment delayed due to weather conditions",
        "包裹异常，请联系快递员",
        "Sendung beschädigt, wird nachbearbeitet",
        "Incident de livraison, colis retardé",
        "Label unreadable - shipment on hold",
    ],
    "customs_hold": [
        "Held by customs",
        "清关中",
        "Zollabfertigung",
        "En attente de dédouanement",
        "Import clearance delay - additional documents required",
        "Aguardando pagamento de tributos",
    ],
    "returned_to_sender": [
        "Returned to sender",
        "Return to sender - refused by recipient",
        "Rücksendung an den Absender",
        "Retour à l'expéditeur",
        "退回寄件人",
        "Devuelto al remitente",
    ],
}

CITIES: dict[str, list[str]] = {
    "CN": [
        "深圳",
        "广州",
        "上海",
        "义乌",
    ],
    "HK": [
        "Hong Kong",
        "Kowloon",
        "Tsuen Wan",
        "Sha Tin",
    ],
    "US": [
        "New York",
        "Los Angeles",
        "Chicago",
        "Houston",
    ],
    "GB": [
        "London",
        "Manchester",
        "Birmingham",
        "Glasgow",
    ],
    "DE": [
        "Berlin",
        "München",
        "Hamburg",
        "Köln",
    ],
    "FR": [
        "Paris",
        "Lyon",
        "Marseille",
        "Toulouse",
    ],
    "ES": [
        "Madrid",
        "Barcelona",
        "Valencia",
        "Sevilla",
    ],
    "IT": [
        "Roma",
        "Milano",
        "Napoli",
        "Torino",
    ],
    "NL": [
        "Amsterdam",
        "Rotterdam",
        "Utrecht",
        "Den Haag",
    ],
    "PL": [
        "Warszawa",
        "Kraków",
        "Wrocław",
        "Gdańsk",
    ],
    "SE": [
        "Stockholm",
        "Göteborg",
        "Malmö",
        "Uppsala",
    ],
    "JP": [
        "東京",
        "大阪",
        "名古屋",
        "福岡",
    ],
    "KR": [
        "서울",
        "부산",
        "인천",
        "대구",
    ],
    "BR": [
        "São Paulo",
        "Rio de Janeiro",
        "Belo Horizonte",
        "Curitiba",
    ],
    "PT": [
        "Lisboa",
        "Porto",
        "Braga",
        "Coimbra",
    ],
    "AU": [
        "Sydney",
        "Melbourne",
        "Brisbane",
        "Perth",
    ],
    "CA": [
        "Toronto",
        "Montréal",
        "Vancouver",
        "Calgary",
    ],
}

FIRST_NAMES: dict[str, list[str]] = {
    "en": [
        "James",
        "Emily",
        "Michael",
        "Sarah",
        "David",
        "Jessica",
        "Daniel",
        "Olivia",
        "Chris",
        "Megan",
        "Ryan",
        "Hannah",
    ],
    "zh": [
        "伟",
        "秀英",
        "娜",
        "静",
        "磊",
        "晓明",
        "婷婷",
        "志强",
        "丽娟",
        "浩然",
        "欣怡",
        "子轩",
    ],
    "de": [
        "Lukas",
        "Anna",
        "Jonas",
        "Laura",
        "Maximilian",
        "Julia",
        "Felix",
        "Lea",
        "Tobias",
        "Katharina",
        "Stefan",
        "Sabine",
    ],
    "fr": [
        "Camille",
        "Lucas",
        "Léa",
        "Hugo",
        "Manon",
        "Louis",
        "Chloé",
        "Thomas",
        "Inès",
        "Nicolas",
        "Julie",
        "Antoine",
    ],
    "es": [
        "Lucía",
        "Hugo",
        "Martina",
        "Pablo",
        "Sofía",
        "Alejandro",
        "María",
        "Daniel",
        "Carmen",
        "Javier",
        "Paula",
        "Sergio",
    ],
    "it": [
        "Giulia",
        "Marco",
        "Francesca",
        "Luca",
        "Chiara",
        "Alessandro",
        "Sara",
        "Matteo",
        "Elena",
        "Andrea",
        "Valentina",
        "Davide",
    ],
    "ja": [
        "翔太",
        "陽菜",
        "大輝",
        "結衣",
        "蓮",
        "美咲",
        "拓也",
        "さくら",
        "健太",
        "愛",
        "悠斗",
        "葵",
    ],
    "pt": [
        "João",
        "Maria",
        "Gabriel",
        "Ana",
        "Lucas",
        "Beatriz",
        "Pedro",
        "Mariana",
        "Rafael",
        "Juliana",
        "Tiago",
        "Inês",
    ],
    "nl": [
        "Daan",
        "Emma",
        "Sem",
        "Julia",
        "Lucas",
        "Sophie",
        "Thijs",
        "Lotte",
        "Bram",
        "Sanne",
        "Jeroen",
        "Fleur",
    ],
    "pl": [
        "Anna",
        "Piotr",
        "Katarzyna",
        "Krzysztof",
        "Magdalena",
        "Tomasz",
        "Agnieszka",
        "Paweł",
        "Joanna",
        "Michał",
        "Ewa",
        "Marcin",
    ],
    "ko": [
        "민준",
        "서연",
        "지훈",
        "지민",
        "현우",
        "수빈",
        "도윤",
        "하은",
        "준호",
        "유진",
        "성민",
        "예린",
    ],
    "sv": [
        "Erik",
        "Anna",
        "Lars",
        "Maria",
        "Johan",
        "Emma",
        "Oskar",
        "Sara",
        "Karl",
        "Elin",
        "Anders",
        "Linnea",
    ],
}

LAST_NAMES: dict[str, list[str]] = {
    "en": [
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Miller",
        "Davis",
        "Wilson",
        "Taylor",
        "Anderson",
        "Thomas",
        "Moore",
    ],
    "zh": [
        "王",
        "李",
        "张",
        "刘",
        "陈",
        "杨",
        "黄",
        "赵",
        "吴",
        "周",
        "徐",
        "孙",
    ],
    "de": [
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Koch",
        "Richter",
    ],
    "fr": [
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
        "Simon",
        "Laurent",
    ],
    "es": [
        "García",
        "Rodríguez",
        "González",
        "Fernández",
        "López",
        "Martínez",
        "Sánchez",
        "Pérez",
        "Gómez",
        "Martín",
        "Jiménez",
        "Ruiz",
    ],
    "it": [
        "Rossi",
        "Russo",
        "Ferrari",
        "Esposito",
        "Bianchi",
        "Romano",
        "Colombo",
        "Ricci",
        "Marino",
        "Greco",
        "Bruno",
        "Gallo",
    ],
    "ja": [
        "佐藤",
        "鈴木",
        "高橋",
        "田中",
        "伊藤",
        "渡辺",
        "山本",
        "中村",
        "小林",
        "加藤",
        "吉田",
        "山田",
    ],
    "pt": [
        "Silva",
        "Santos",
        "Oliveira",
        "Souza",
        "Pereira",
        "Costa",
        "Rodrigues",
        "Almeida",
        "Ferreira",
        "Carvalho",
        "Gomes",
        "Martins",
    ],
    "nl": [
        "de Jong",
        "Jansen",
        "de Vries",
        "van den Berg",
        "van Dijk",
        "Bakker",
        "Janssen",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
    ],
    "pl": [
        "Nowak",
        "Kowalski",
        "Wiśniewski",
        "Wójcik",
        "Kowalczyk",
        "Kamiński",
        "Lewandowski",
        "Zieliński",
        "Szymański",
        "Woźniak",
        "Dąbrowski",
        "Kozłowski",
    ],
    "ko": [
        "김",
        "이",
        "박",
        "최",
        "정",
        "강",
        "조",
        "윤",
        "장",
        "임",
        "한",
        "오",
    ],
    "sv": [
        "Andersson",
        "Johansson",
        "Karlsson",
        "Nilsson",
        "Eriksson",
        "Larsson",
        "Olsson",
        "Persson",
        "Svensson",
        "Gustafsson",
        "Pettersson",
        "Jonsson",
    ],
}

# (sku, title, category)
PRODUCTS: list[tuple[str, str, str]] = [
    ("LED-STRIP-5M-RGB", "LED Strip Lights 5m RGB with Remote", "electronics"),
    ("EARBUDS-TWS-PRO-BLK", "Wireless Bluetooth Earbuds Pro, Black", "electronics"),
    ("CHARGER-GAN-65W", "65W GaN USB-C Fast Charger", "electronics"),
    ("CABLE-USBC-2M-BRD", "Braided USB-C Cable 2m", "electronics"),
    ("WATCH-SMART-S8-BLK", "Smart Watch S8 with Heart Rate Monitor", "electronics"),
    ("PWRBANK-20K-MAG", "20000mAh Magnetic Power Bank", "electronics"),
    ("PROJ-MINI-1080P", "Mini Portable Projector 1080p", "electronics"),
    ("SPK-BT-WATERPROOF", "Waterproof Bluetooth Speaker", "electronics"),
    ("CAM-WIFI-360-IND", "360° Wi-Fi Indoor Security Camera", "electronics"),
    ("CASE-IP15PRO-CLR", "Clear MagSafe Case for iPhone 15 Pro", "accessories"),
    ("CASE-S23-WALLET-BRN", "Leather Wallet Case for Galaxy S23, Brown", "accessories"),
    ("SUNGL-POLAR-UNI", "Polarized Sunglasses, Unisex", "accessories"),
    ("BAG-CROSSBODY-BLK", "Mini Crossbody Bag, Black", "accessories"),
    ("DRESS-FLORAL-MIDI", "Floral Midi Summer Dress", "apparel"),
    ("HOODIE-OVERSIZE-GRY", "Oversized Hoodie, Grey", "apparel"),
    ("JEANS-SLIM-BLU", "Slim Fit Stretch Jeans, Blue", "apparel"),
    ("JACKET-PUFFER-BLK", "Lightweight Puffer Jacket, Black", "apparel"),
    ("LEGGINGS-YOGA-HW", "High-Waist Yoga Leggings", "apparel"),
    ("TSHIRT-COTTON-WHT", "Basic Cotton T-Shirt, White", "apparel"),
    ("SNKR-RUN-AIR", "Air Cushion Running Sneakers", "shoes"),
    ("SNKR-CHUNKY-WHT", "Chunky Platform Sneakers, White", "shoes"),
    ("BOOT-CHELSEA-BRN", "Leather Chelsea Boots, Brown", "shoes"),
    ("SLIDE-EVA-BLK", "EVA Cloud Slides, Black", "shoes"),
    ("KITCH-GARLIC-PRESS", "Stainless Steel Garlic Press", "home"),
    ("KITCH-VEG-CHOPPER", "Multi-Function Vegetable Chopper", "home"),
    ("HOME-HUMIDIFIER-MINI", "Mini USB Humidifier with Night Light", "home"),
    ("HOME-SHOWER-FILTER", "Filtered Shower Head", "home"),
    ("KITCH-SILICONE-LID-6", "Silicone Stretch Lids, Set of 6", "home"),
    ("TOY-RC-CAR-4WD", "4WD Remote Control Off-Road Car", "toys"),
    ("TOY-BLOCKS-CASTLE", "Building Blocks Castle Set (1,200 pcs)", "toys"),
    ("TOY-FIDGET-POP-SET", "Pop It Fidget Toy Set", "toys"),
    ("BEAUTY-LASH-SERUM", "Eyelash Growth Serum 5ml", "beauty"),
    ("BEAUTY-LIPTINT-SET6", "Velvet Lip Tint Set (6 shades)", "beauty"),
    ("BEAUTY-VITC-SERUM-30", "Vitamin C Face Serum 30ml", "beauty"),
    ("BEAUTY-FACE-ROLLER", "Rose Quartz Face Roller", "beauty"),
    ("PET-HARNESS-NOPULL-M", "No-Pull Dog Harness, Medium", "pet"),
    ("PET-FOUNTAIN-2L", "Cat Water Fountain 2L", "pet"),
    ("PET-HAIR-ROLLER", "Reusable Pet Hair Remover Roller", "pet"),
    ("SPORT-RESIST-BANDS-5", "Resistance Bands, Set of 5", "sports"),
    ("SPORT-YOGA-MAT-6MM", "Non-Slip Yoga Mat 6mm", "sports"),
]
