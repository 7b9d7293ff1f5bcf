"""Write demo/data/hotline_tickets.csv: labelled 12345 tickets for the 41 departments of 西区.

The set is generated, not collected, so its accuracy figures must be read with that in mind.
To keep it from being a keyword lookup:
- each department has several scenarios, each told in several phrasings (a `phrasing` column
  names them, so a benchmark can hold out whole phrasings and test on wording it never saw);
- vocabulary overlaps on purpose across departments (补贴 at 民政, 人社, 退役军人, 农业; 噪音 at
  生态环境, 综合执法, 公安; 欠费 at 医保, 公积金, 税务 …);
- community matters (路灯, 化粪池, 物业, 邻里, 楼道, …) are one pool shared by every street office
  (phrasing family "local"): the place decides which office, as it does in a real centre, and
  such a ticket always names its community or street; 格里坪镇 adds its villages' 村务;
- a district bureau's matters are location-independent: they happen anywhere in the district
  (food poisoning in a restaurant is 市场监管 in every street, in a school canteen 教育);
- wordings are templates of real matters with slots ({a|b|c}: one is chosen per ticket), never
  single words swapped into other sentences;
- callers ramble: greetings, who they are, how long it has lasted, what they want, in random
  order and length, sometimes with no place at all.

Run: python demo/make_hotline_tickets.py [--rows 3200] [--seed 12345]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

STREET_OFFICE = {
    "510403001000": "qxp",
    "510403002000": "yq",
    "510403003000": "hmk",
    "510403004000": "tjd",
    "510403005000": "msh",
    "510403006000": "dbd",
    "510403100000": "glp",
}

ROADS = [
    "苏铁中路",
    "清香坪东路",
    "新宏路",
    "攀枝花大道西段",
    "宝鼎路",
    "陶家渡西路",
    "建树巷",
    "河门口北街",
    "格里坪大道",
    "巴关河路",
    "玉泉路",
    "花山路",
    "太平路",
    "沿江路",
]
SPOTS = [
    "{n}栋楼下",
    "{n}号院门口",
    "菜市场旁边",
    "公交站附近",
    "小学门口",
    "农贸市场后面",
    "{n}单元",
    "老矿区宿舍",
    "还房小区",
    "十字路口",
    "人行天桥下",
    "篮球场边上",
]

# department key → scenarios; each scenario is a list of phrasings of the same matter.
# {place} is the spot of the matter; phrasings without it are placeless.
SCENARIOS: dict[str, list[list[str]]] = {
    "zfb": [
        [
            "想给区长写信反映几个民生问题，请问区长信箱在哪里",
            "有些意见想直接反映给区政府领导，有没有领导接待日",
        ],
        [
            "区政府网站上的政策文件打不开，附件下载不了",
            "政府门户网站公开的文件链接失效了，想查一个通知查不到",
        ],
        ["申请政府信息公开，二十个工作日了还没有答复", "我依申请公开了一份征收文件，超期没有回复"],
    ],
    "fgj": [
        ["小区的天然气价格又涨了，想问调价有没有听证", "物价上涨太快，想了解水电气价格是怎么定的"],
        [
            "企业想申报省里的重点项目，不知道前期手续怎么走",
            "固定资产投资项目备案在哪里办，要多长时间",
        ],
        ["停车场收费标准不透明，临时停车一小时收十块", "{place}停车场乱收费，没有公示收费标准"],
    ],
    "jxj": [
        [
            "工业园区的企业经常停电，影响生产，想找主管部门协调",
            "格里坪工业园区供电不稳，企业损失很大",
        ],
        ["手机信号太差，家里几乎没有4G信号", "{place}移动信号很弱，打电话经常断线，希望加建基站"],
        ["想了解中小企业技术改造有什么扶持资金", "企业搞智能化改造，听说有专项补助，怎么申请"],
    ],
    "kjj": [
        ["申请高新技术企业认定，材料要怎么准备", "想问科技型中小企业评价入库的流程"],
        ["我们的专利被人仿冒了，去哪里投诉维权", "发现有商家假冒我们公司的专利产品在卖"],
    ],
    "jtj": [
        ["孩子上小学划片，我们住{place}却被分到很远的学校", "入学划片不合理，家门口的学校不让读"],
        ["学校周末还在补课，收费也不明确", "有老师在校外开补习班，要求学生必须参加"],
        ["幼儿园收费太高，又不给开发票", "{place}的民办幼儿园乱收费，说是兴趣班费用"],
        ["体育馆的场地不对外开放，想去锻炼进不去", "全民健身场地的器材坏了很久没人修"],
        ["学生营养餐的质量不好，孩子说饭菜是冷的", "学校食堂饭菜分量少，家长意见很大"],
    ],
    "mzj": [
        ["家里老人七十多岁独居，想申请居家养老服务补贴", "高龄津贴怎么申请，我父亲今年八十了"],
        [
            "低保被取消了，我现在没有收入，生活很困难",
            "想申请最低生活保障，家里只有我一个劳动力还生病了",
        ],
        ["养老院服务太差，老人身上有褥疮也没人管", "{place}的养老机构护理不到位，伙食也很差"],
        ["想办婚姻登记，周六能不能预约", "补领结婚证需要带什么材料"],
        ["殡葬服务收费太高，公墓价格不透明", "想问惠民殡葬政策，丧葬补助怎么领"],
        [
            "流浪人员睡在{place}，天冷了担心出事",
            "有个精神不太正常的流浪汉在街上游荡，请救助站来看看",
        ],
        ["临时救助怎么申请，家里突然遭遇大病", "孩子父母都不在了，想申请孤儿基本生活费"],
    ],
    "sfj": [
        ["和邻居因为漏水的事吵了很久，想找人调解", "家庭纠纷想申请人民调解，不想打官司"],
        ["想请律师但是请不起，能不能申请法律援助", "工伤打官司没钱请律师，法律援助怎么申请"],
        ["公证处办委托公证要排很久的队", "出国需要办学历公证，问一下要多长时间"],
        ["社区矫正人员经常不报到，担心有风险", "社区里有在矫正的人员在外面惹事"],
    ],
    "czj": [
        ["惠民惠农补贴一卡通的钱一直没到账", "财政补助资金说是发了，但是卡上没有看到"],
        ["政府采购项目的中标结果有问题，想质疑", "我们参加了政府采购，评标过程不公平"],
    ],
    "rsj": [
        ["工地老板拖欠我们三个月工资，找不到人", "在{place}的工地干活，包工头欠薪跑路了"],
        ["单位不给我们买社保，辞职了也不给补缴", "公司没有签劳动合同，也没有交养老保险"],
        ["失业保险金怎么领，公司裁员了", "想办理失业登记，同时申请失业金"],
        ["退休了养老金一直没有发放", "办理退休手续后养老待遇迟迟没有核定"],
        ["工伤认定申请交上去两个月了没有结果", "在厂里受伤了，单位不给报工伤"],
        ["想参加政府组织的免费职业技能培训", "就业困难人员有没有公益性岗位"],
    ],
    "zjj": [
        [
            "小区物业维修资金怎么申请使用，电梯坏了要大修",
            "专项维修资金使用流程太复杂，电梯一直停运",
        ],
        ["买的新房交房一年了还办不了房产证", "开发商延期交房，合同约定的时间早就过了"],
        ["{place}的老旧小区改造，施工把路挖了不填", "老旧小区改造工程质量差，外墙刚刷就掉了"],
        ["{place}工地晚上十二点还在施工，噪音吵得睡不着", "建筑工地夜间施工扰民，已经持续一周了"],
        ["房屋租赁合同备案在哪里办", "公租房申请什么条件，排队要多久"],
        ["房屋墙体开裂，怀疑是危房，请鉴定", "楼上住户私自拆承重墙装修，担心房子安全"],
    ],
    "nyjtj": [
        [
            "{place}的公交车太少，等四十分钟都不来一趟",
            "公交线路调整以后上班很不方便，希望恢复原线路",
        ],
        ["出租车拒载，还不打表", "网约车在火车站乱揽客，价格离谱"],
        ["村里的道路烂了几年没修，下雨全是泥", "{place}的乡村公路塌方了，车辆没法通行"],
        ["种芒果的补贴今年还没发下来", "耕地地力保护补贴怎么领，我家有五亩地"],
        ["买到假种子，玉米苗出不来", "农药化肥有假货，庄稼都减产了"],
        ["农村土地承包经营权流转纠纷", "村里把我家的承包地租出去了，没有征求意见"],
    ],
    "slj": [
        ["{place}的河道里堆满了垃圾，还有人往河里倒渣", "金沙江边有人非法采砂"],
        ["村里的饮水工程坏了，已经停水三天", "山上的蓄水池漏水，农村安全饮水有问题"],
        ["下暴雨的时候沟渠堵了，水漫进了房子", "防洪堤年久失修，汛期担心出险"],
    ],
    "swj": [
        ["超市的预付卡不能用了，老板关门跑了", "健身房办了卡突然倒闭，钱退不回来"],
        ["想开一个成品油零售点，要办什么手续", "二手车交易市场备案怎么办"],
        ["报废汽车回收价格太低，回收企业压价", "废旧物资回收站占道经营"],
    ],
    "wglj": [
        ["{place}的网吧接纳未成年人上网", "歌厅营业到凌晨，还有未成年人进出"],
        ["景区门票价格太贵，也没有老年人优惠", "去苏铁园旅游，导游强制购物"],
        ["图书馆周一闭馆，上班族借不了书", "文化馆的免费培训班名额太少"],
        ["有线电视信号经常中断，收不到节目", "广播电视户户通的设备坏了没人修"],
    ],
    "wjj": [
        ["医院看病排队太久，挂号要等一上午", "{place}的社区卫生服务中心医生态度很差"],
        ["打疫苗要预约，社区医院约不上号", "孩子的预防接种证丢了，怎么补办"],
        ["诊所的医生没有执业证，还在给人打针", "非法行医，无证诊所开在居民楼里"],
        ["生育登记和生育补贴怎么办", "二孩三孩的育儿补贴政策是什么"],
        ["医院乱收费，检查项目重复开", "住院期间被多收了费用，找医院没人管"],
        ["餐馆员工没有健康证", "公共场所卫生差，理发店毛巾不消毒"],
    ],
    "tyjrj": [
        ["我是退役军人，想了解优待证怎么办理", "退役士兵安置工作还没有落实"],
        ["伤残军人的抚恤金今年没有调整", "参战老兵的生活补助一直没有领到"],
        ["退役军人自主就业一次性补助什么时候发", "退役后创业有没有贷款贴息"],
    ],
    "yjj": [
        ["{place}有人在居民楼里私自存放液化气罐", "小作坊违规储存烟花爆竹，很危险"],
        ["煤矿井下作业安全措施不到位，工人没有防护", "大宝鼎一带的小煤窑又在偷偷开采"],
        ["化工厂的罐区经常有刺鼻气味，担心泄漏", "企业安全生产检查走过场"],
        ["山体滑坡的隐患点没有警示标志", "{place}后山下雨有落石，担心塌下来"],
    ],
    "sjj": [
        ["村里的集体资金使用不透明，想申请审计", "怀疑有项目资金被挪用，请审计部门查一查"],
        ["政府投资的工程决算价比预算高很多", "小区改造工程造价虚高，要求审计"],
    ],
    "scjgj": [
        ["{place}的餐馆油烟直排，还用地沟油", "在饭店吃饭吃出了虫子，老板不认账"],
        ["超市卖过期食品，我买的牛奶已经过期了", "买到三无产品，包装上没有生产日期"],
        ["网上买的手机是翻新机，商家拒绝退货", "消费纠纷：装修公司收了定金不干活"],
        ["药店卖处方药不要处方", "保健品店骗老人买高价保健品"],
        ["电梯困人了，物业半天才来", "小区电梯年检过期了还在用"],
        ["想办个体工商户营业执照，要什么材料", "公司变更法定代表人怎么办理"],
        ["加油站的油品不足量，加一百块少了好多", "菜市场的秤有问题，缺斤少两"],
    ],
    "tjj": [
        ["有人冒充人口普查员上门登记信息", "统计调查员来家里问收入，是不是真的"],
        ["企业统计报表填报系统登录不上", "规上企业统计联网直报有问题"],
    ],
    "ybj": [
        ["医保卡在药店刷不了，说是系统问题", "医保个人账户的钱被人盗刷了"],
        ["异地就医备案怎么办，我在外地住院", "在成都看病，回来报销需要什么手续"],
        ["城乡居民医保今年的缴费标准是多少", "医保断缴了一年，能不能补缴"],
        ["门诊特殊病种的认定怎么申请", "慢性病门诊报销比例太低"],
        ["定点医院骗取医保基金，挂床住院", "医保欠费了一直提醒，想知道怎么处理"],
    ],
    "zhzf": [
        ["{place}的流动摊贩占道经营，人行道都走不通", "夜市摊位一直摆到马路上，堵车严重"],
        ["有人在小区绿地上违章搭建彩钢房", "{place}的违法建筑已经盖到三层了"],
        ["渣土车沿路撒漏，路面全是泥", "建筑垃圾乱倒在路边"],
        ["商铺门口的广告牌太大，挡住了窗户", "楼顶的广告招牌松动了，风一吹摇摇晃晃"],
        ["烧烤摊晚上露天烧烤，烟熏到楼上", "{place}的户外烧烤油烟大，半夜还很吵"],
        ["小区旁边的垃圾好几天没人清运", "{place}的垃圾桶满了，苍蝇老鼠很多"],
    ],
    "mzzj": [
        ["少数民族群众想了解民族政策有哪些优惠", "彝族同胞的传统节日能不能放假"],
        ["有人在小区里非法传教，发宗教传单", "未经登记的宗教活动场所在聚会"],
    ],
    "xfj": [
        ["我的事情反映了很多次都没有解决，想到信访局当面反映", "信访事项的复查申请怎么提"],
        ["上次信访答复不满意，要求复核", "想问信访件的办理进度"],
    ],
    "zwfw": [
        ["政务服务中心的窗口工作人员态度不好", "在政务大厅办事跑了三趟都没办成"],
        ["网上办事平台提交了申请一直显示待审核", "政务服务网账号登录不了，实名认证失败"],
        ["大厅的叫号系统很乱，等了两个小时", "政务中心中午不办公，上班族没法办事"],
        ["公共资源交易中心的招标公告在哪里看", "工程招投标有人围标串标"],
    ],
    "dag": [
        ["想查一下我父亲以前的工作档案", "办理退休需要调档案，档案找不到了"],
        ["婚姻登记档案查询，需要带什么", "想复印八十年代的土地证档案"],
    ],
    "cl": [
        ["残疾证怎么申请，孩子是智力残疾", "残疾人两项补贴一直没有发"],
        ["残疾人辅助器具能不能免费领取轮椅", "想给残疾孩子申请康复训练救助"],
        ["残疾人就业有没有扶持政策", "盲人按摩店开业有补贴吗"],
    ],
    "zgh": [
        ["单位不成立工会，工会经费却在扣", "想问职工困难帮扶怎么申请"],
        ["农民工维权想找工会帮忙", "单位职代会流于形式，工会不替职工说话"],
    ],
    "sw": [
        ["个人所得税汇算清缴怎么操作，APP一直提示错误", "个税专项附加扣除填错了怎么改"],
        ["店铺买东西不给开发票", "饭店说开发票要加税点"],
        ["灵活就业人员的社保费在税务缴纳，缴费失败", "城乡居民养老保险费在哪里交"],
        ["个体户定额税太高，生意不好交不起", "小规模纳税人减免政策怎么享受"],
        ["二手房交易的契税怎么算", "房产过户要交哪些税"],
    ],
    "gaj": [
        ["{place}晚上有人飙车，轰油门很吵", "酒吧门口经常有人打架斗殴"],
        ["身份证丢了怎么补办，户口在西区", "孩子上户口需要什么材料"],
        ["接到诈骗电话，被骗了两万块", "有人冒充公检法打电话让我转账"],
        ["{place}的路口没有红绿灯，经常出交通事故", "电动车被偷了，小区监控看得到人"],
        ["邻居家养的大狗不拴绳，咬伤了小孩", "有人在楼下聚众赌博"],
        ["驾驶证到期换证在哪里办", "机动车违章处理，罚单有异议"],
    ],
    "zrzy": [
        ["村里有人在耕地上建房子", "{place}的山上有人乱挖乱采矿石"],
        ["不动产登记要排很久，房产证办不下来", "不动产权证书上的面积和实际不符"],
        ["规划调整了我们小区旁边要建高楼，挡住采光", "城市规划公示在哪里看"],
        ["山上有人砍伐林木，拉走了好几车", "护林员不巡山，森林防火有隐患"],
    ],
    "sthj": [
        ["{place}附近的工厂晚上偷排废气，味道很刺鼻", "钢厂的粉尘太大，窗台一天就一层灰"],
        ["企业往金沙江里排污水，江水都变色了", "养殖场的粪水直接排进沟里"],
        ["{place}的工厂机器噪音日夜不停", "附近的砂石厂噪音和粉尘都很大"],
        ["危险废物随意堆放，没有防护", "有人在山沟里焚烧废旧轮胎，黑烟很大"],
    ],
    "yc": [
        ["小卖部卖假烟，抽起来味道不对", "有商店向未成年人卖烟"],
        ["想办烟草专卖零售许可证", "烟草许可证到期延续怎么办"],
    ],
    "gjj": [
        ["住房公积金提取申请被退回，说材料不全", "租房提取公积金需要什么手续"],
        ["公积金贷款审批太慢，耽误了买房", "想用公积金贷款买二手房，额度怎么算"],
        ["单位欠缴住房公积金，离职了提不出来", "公司没有给我们缴公积金"],
    ],
}

# A third wording of each scenario, in the scenarios' order (more ways to say the same matter).
MORE: dict[str, list[str]] = {
    "zfb": [
        "我写给区领导的信石沉大海，想知道有没有人看",
        "政府网站栏目很久没更新，办事指南还是老的",
        "信息公开申请被拒绝了，理由说不清楚",
    ],
    "fgj": [
        "水费阶梯价格怎么算的，这个月水费翻倍",
        "项目立项审批卡在发改这一环，企业等不起",
        "医院停车一天要几十块，收费太离谱",
    ],
    "jxj": [
        "厂里一个月拉闸限电好几次，订单都做不完",
        "住在山上宽带拉不进来，孩子上网课没网络",
        "工业企业数字化转型有没有政策支持",
    ],
    "kjj": ["科技成果转化的奖励资金怎么申报", "商标和专利被侵权，想请知识产权部门处理"],
    "jtj": [
        "户口在学区内，学校说学位已满不收",
        "老师暗示家长送礼，不然孩子座位排后面",
        "托育机构收了一学期的费用后关门了",
        "学校操场放学后锁门，附近居民没地方运动",
        "孩子在学校食堂吃坏了肚子，好几个同学都拉肚子",
    ],
    "mzj": [
        "我妈瘫痪在床，想问有没有护理补贴",
        "低保年审把我家停了，可是我们条件没有变",
        "敬老院的护工打骂老人",
        "离婚登记要预约吗，在哪里办",
        "老人去世了，丧葬费补助去哪里领",
        "桥洞下面住着一个乞讨的老人，没人照顾",
        "遭遇火灾家里什么都没了，能不能申请救助",
    ],
    "sfj": [
        "邻里之间因为占地的事情矛盾很深，社区调解没用",
        "被拖欠工钱想起诉，能不能免费找律师",
        "继承房产要办公证，手续太复杂",
        "刑满释放人员回到社区，没人帮教",
    ],
    "czj": ["粮食直补的钱今年少发了一部分", "政府采购代理机构收费不合理"],
    "rsj": [
        "干完活老板不结账，一拖再拖",
        "试用期单位不缴五险，合法吗",
        "被公司辞退了，失业补助金能领多久",
        "养老金认证后还是停发了",
        "上班路上出了车祸，算不算工伤",
        "四十多岁下岗了，想找份工作有没有就业援助",
    ],
    "zjj": [
        "电梯大修要动用维修基金，业主签字凑不齐",
        "开发商收了钱不给办不动产首次登记",
        "老旧小区加装电梯，施工把管道挖断了",
        "晚上打桩的声音太大，整栋楼都在震",
        "廉租房申请了两年还没分到",
        "楼房出现裂缝，物业说不归他们管",
    ],
    "nyjtj": [
        "早上七点那班公交车取消了，老人看病没车坐",
        "的哥绕路多收车费，还态度恶劣",
        "村道被大货车压坏了，坑坑洼洼",
        "种粮大户补贴的名单里没有我",
        "买的化肥是假的，结不了果",
        "村里的承包地被私自转包给外地老板",
    ],
    "slj": [
        "有人往河里倒建筑垃圾，河水都堵住了",
        "自来水管爆了几天没人修，全村没水吃",
        "雨季排洪沟被填了，一下雨就淹",
    ],
    "swj": ["理发店办的充值卡老板跑路了", "想开加油站，商务部门审批要多久", "汽车报废的补贴怎么领"],
    "wglj": [
        "游戏厅里全是中学生，半夜也不关门",
        "旅行社组团购物强制消费",
        "文化活动中心平时都锁着门",
        "广电网络收了费信号还是不好",
    ],
    "wjj": [
        "医院专家号根本挂不上，黄牛倒卖",
        "新生儿疫苗接种要排到下个月",
        "小区里有人无证开牙科诊所",
        "办理生育登记需要什么材料",
        "住院清单上有的药根本没用过",
        "奶茶店店员没有办健康证明",
    ],
    "tyjrj": ["退伍老兵想申请优待证", "残疾军人抚恤标准是多少", "退役后想创业有什么优惠政策"],
    "yjj": [
        "餐馆后厨堆了十几个煤气罐",
        "矿上违规冒险作业，随时可能出事故",
        "工厂里的危化品仓库管理混乱",
        "山上的危岩随时可能掉下来",
    ],
    "sjj": ["村干部把扶贫资金挪去修自家房子", "政府工程的投资审计什么时候公开"],
    "scjgj": [
        "外卖店的后厨卫生很差，老鼠乱跑",
        "小超市卖的零食过期了还在卖",
        "网购的商品质量有问题，商家不给退",
        "药店卖假药，吃了没有效果",
        "电梯运行时突然下坠",
        "注册公司需要多长时间，网上怎么办",
        "菜市场的电子秤被动了手脚",
    ],
    "tjj": ["有人自称统计局的，要我提供银行卡号", "统计数据报送截止时间是哪天"],
    "ybj": [
        "医保卡刷卡提示账户冻结",
        "在外地住院回来报销被拒",
        "新农合今年一个人交多少钱",
        "高血压糖尿病门诊报销怎么办理",
        "有医院让人挂名住院套取医保",
    ],
    "zhzf": [
        "卖水果的三轮车堵在路口",
        "楼顶加盖了一层违建",
        "泥头车把马路弄得很脏",
        "店招店牌违规设置，还占用消防通道",
        "楼下大排档每天营业到凌晨三点",
        "垃圾站臭气熏天，清运不及时",
    ],
    "mzzj": ["少数民族学生高考加分怎么认定", "有人在广场组织不明宗教聚会"],
    "xfj": ["多次上访问题还是没解决，想约见信访部门负责人", "信访件转到部门以后没有下文"],
    "zwfw": [
        "窗口说材料不全让我回去，又不一次性告诉我",
        "网上预约的事项到了大厅又说不能办",
        "大厅人太多，自助机也坏了",
        "招标文件设置了排他性条款",
    ],
    "dag": ["查询知青档案需要哪些手续", "想调取几十年前的婚姻登记记录"],
    "cl": ["残疾评定在哪家医院做", "想申请免费的助听器", "残疾人创业有没有补贴"],
    "zgh": ["单位工会不维护职工权益", "职工生病住院，工会有没有慰问补助"],
    "sw": [
        "个税APP申报退税一直在审核",
        "商家拒绝开具增值税发票",
        "社保费扣款失败，怎么补交",
        "个体工商户的税收优惠怎么申请",
        "买二手房契税是多少",
    ],
    "gaj": [
        "半夜摩托车炸街，吵得人睡不着",
        "补办户口本要带什么",
        "网上刷单被骗了，要报案",
        "路口车速太快，需要装个信号灯",
        "邻居养狗扰民，还随地大小便",
        "驾照年审在哪里办理",
    ],
    "zrzy": [
        "有人占用基本农田修厂房",
        "房屋产权证办理要多久",
        "新建楼盘离我们太近，挡光",
        "有人偷偷砍山上的树卖钱",
    ],
    "sthj": [
        "化工厂半夜排放黑烟",
        "有企业偷排污水到河里",
        "工厂冷却塔的噪声日夜不停",
        "医疗废物和生活垃圾混在一起扔",
    ],
    "yc": ["杂货店在卖走私烟", "开小卖部想卖烟要办什么证"],
    "gjj": ["公积金提取审核不通过", "公积金贷款放款太慢", "离职后公积金账户被单位封存，取不出来"],
}
for _key, _more in MORE.items():
    for _scenario, _text in zip(SCENARIOS[_key], _more, strict=True):
        _scenario.append(_text)

# New matters (and new wordings of old ones) written with slots: {a|b|c} is one of a, b, c,
# chosen per ticket, so one wording still varies in its details. A wording is a template of a
# real matter; nothing is made by swapping single words into other sentences.
NEW: dict[str, list[list[str]]] = {
    "scjgj": [
        [
            "在{饭店|火锅店|烧烤店|快餐店}吃完饭，{一家人|我们几个人|全家}都{拉肚子|上吐下泻}",
            "{昨天|前天}在{餐馆|酒楼}聚餐以后好几个人食物中毒，去医院看了急诊",
            "点的外卖吃了以后{拉肚子|发烧呕吐}，商家不承认是他们的问题",
            "{一家人|我和孩子}在{饭馆|酒楼}吃了{凉菜|海鲜|卤菜}，回家就上吐下泻",
        ],
        [
            "{商场|超市|专卖店}搞促销先涨价后打折，{价格欺诈|虚假优惠}",
            "买的{电动车|热水器|空调}三个月就坏了，商家不给保修",
            "{美容店|理发店}{办卡|充值}后服务缩水，要求退款被拒绝",
        ],
    ],
    "jtj": [
        [
            "{学校|幼儿园}食堂的饭菜不卫生，孩子{回家就拉肚子|吃了肚子疼}",
            "孩子在{学校|幼儿园}吃了午饭，班上好几个{同学|小朋友}都拉肚子",
            "{学校|幼儿园}食堂{用过期的食材|卫生很差}，家长们很担心",
        ],
        [
            "孩子在学校被同学{欺负|打了}，老师不管",
            "{学校|班上}有校园欺凌，孩子不敢去上学",
            "{班主任|老师}对孩子被欺负的事不处理，家长很着急",
        ],
    ],
    "wjj": [
        [
            "在{诊所|社区医院}输液后{过敏|发高烧}，怀疑是医疗事故",
            "{医院|诊所}手术后出现并发症，医院推卸责任",
            "家属在医院治疗后病情加重，想申请医疗纠纷调解",
        ],
    ],
    "zhzf": [
        [
            "{小区门口|人行道上|公交站旁}的{电动车|共享单车}乱停乱放，路都走不通",
            "{路边|店门口}{摆满了摩托车|乱停电动车}，行人只能走到马路上",
            "共享单车堆在{人行道|盲道}上，没人管理",
        ],
    ],
    "gaj": [
        [
            "{楼下|小区里}有人{半夜|凌晨}喝酒{吵闹|划拳}，报了几次都没用",
            "{隔壁|楼上}租户每天晚上{开派对|大声唱歌}到凌晨",
            "{夜宵摊|酒馆}的客人醉酒闹事，影响周围住户休息",
        ],
    ],
}
for _key, _scenarios in NEW.items():
    SCENARIOS[_key].extend(_scenarios)

# One more wording of the matters of departments whose matters callers put in many ways
# (scenario number → wording): a held-out wording then still leaves three to learn from.
FOURTH: dict[str, dict[int, str]] = {
    "swj": {
        0: "{充值卡|会员卡|储值卡}里还有几千块钱，{店|商家}突然关门联系不上",
        1: "想办{成品油零售|二手车交易市场}的相关手续，商务部门管不管",
        2: "报废车交给回收公司，{补贴|回收证明}一直拿不到",
    },
    "yjj": {
        0: "有人在{出租屋|门面里}囤了很多{煤气罐|烟花爆竹}，一旦着火不得了",
        1: "{私挖的|非法的}小煤窑，工人下井没有任何安全设备",
        2: "{化工厂|危化品仓库}的储罐在漏气，闻到很重的{化学品|氨水}味道",
        3: "{下雨后|这几天}后山{裂缝越来越大|不断掉石头}，住户很害怕",
    },
    "zwfw": {
        0: "去办事大厅，{窗口|前台}的人{爱理不理|一直玩手机}，问什么都说不知道",
        1: "在{四川政务服务网|天府通办}上提交的事项{被退回好几次|一直不受理}",
        2: "大厅{取号|排号}要排很久，窗口只开了两个",
        3: "工程招标公告的资格条件是量身定做的，明显有内定",
    },
    "wglj": {
        0: "{网吧|KTV}不查身份证，{初中生|未成年人}随便进",
        1: "跟团旅游被{导游|旅行社}拉去购物点，不买就甩脸色",
        2: "{社区书屋|图书馆}的开放时间太短，{周末|晚上}都不开",
        3: "{电视|机顶盒}收不到{信号|节目}，广电的维修电话打不通",
    },
    "slj": {
        0: "{河边|河道里}{有挖掘机在挖沙|被倒满了渣土}，河道都改了",
        1: "{农村|我们组}的自来水{停了好几天|水质浑浊}，饮水工程没人维护",
        2: "{排洪沟|河堤}{垮了一段|被堵死了}，汛期前一定要修",
    },
    "kjj": {
        0: "{科技项目|高新技术企业}申报的{政策|材料清单}在哪里能查到",
        1: "{别人|有厂家}{仿冒|抄袭}我们的专利设计，想维权",
    },
    "jxj": {
        0: "{厂里|园区}{三天两头停电|电压不稳}，设备都烧坏了",
        1: "{村里|小区里}{手机没信号|宽带装不了}，运营商说没有规划",
        2: "{中小企业|工业企业}想申请{技改补助|数字化转型资金}，要找哪个部门",
    },
    "zrzy": {
        0: "有人在{农田|耕地}上{挖塘|堆砂石|建厂房}",
        1: "{房产证|不动产证}{办了半年还没下来|上的信息登记错了}",
        2: "{小区旁边|家门口}要建{高楼|变电站}，规划公示没看到",
        3: "{后山|林区}有人{偷砍|乱砍}树木，拉去卖钱",
    },
    "sjj": {
        0: "{村上|社区}的{账目|集体收入}不清楚，希望审计部门介入",
        1: "{政府投资|财政出钱}修的{道路|学校}造价太高，应该审计一下",
    },
    "mzzj": {
        0: "{少数民族|彝族}{学生|群众}的{优惠政策|民族成分}怎么认定",
        1: "{小区|村里}有人{组织|搞}未登记的宗教聚会",
    },
    "sfj": {
        0: "{家里人|兄弟姐妹}为了{赡养老人|分房子}闹矛盾，想请调解员",
        1: "{没钱打官司|家里经济困难}，想找免费律师帮忙",
        2: "办{委托|继承|出国}公证要{哪些材料|多少钱}",
        3: "{社区矫正|缓刑}人员{不按时报到|在外面乱跑}，没人管",
    },
    "gaj": {
        0: "{晚上|半夜}{一群人在路上飙车|有人在酒吧门口打架}，很危险",
        1: "{户口迁移|身份证补办}要{带什么|去哪里办}",
        2: "{在网上|接到电话}被人{骗了钱|骗去转账}，要报警",
        3: "{路口|学校门口}车开得太快，{经常出事|孩子过马路很危险}",
        4: "{楼下|小区里}有人{养烈性犬不拴绳|聚众打牌赌钱}",
        5: "{驾驶证|行驶证}{到期了|丢了}，在哪里办",
    },
    "zhzf": {
        0: "{菜贩|水果摊}把摊子摆到了{人行道|马路中间}",
        1: "{楼顶|院子里}有人{私搭乱建|加盖房子}，城管来看过没下文",
        2: "{渣土车|运砂车}{不盖篷布|沿路掉渣}，路上全是灰",
        3: "{店铺|商场}的{户外广告|招牌}{掉下来一块|快要掉了}，很危险",
        4: "{烧烤摊|大排档}的烟{熏得|呛得}我们{不敢开窗|睡不着}",
        5: "{路边|小区外面}的垃圾{堆了一周|没人收}，臭气熏天",
        6: "{电动车|共享单车}把{盲道|消防通道}都占了",
    },
    "scjgj": {
        0: "{在饭店|点外卖}吃出了{头发|虫子|苍蝇}，商家只肯退一半",
        1: "{超市|小卖部}卖的{面包|饮料|零食}{过期了|没有生产日期}",
        2: "{网上|直播间}买的{衣服|家电}{质量有问题|和描述不一样}，商家不给退",
        3: "{药店|保健品店}{卖假药|骗老人买高价保健品}",
        4: "{小区|商场}的电梯{经常困人|一直报故障}，维保公司不负责",
        5: "{注册公司|办营业执照}要准备哪些材料，{网上|窗口}能不能办",
        6: "{菜市场|水果店}的秤{缺斤少两|不准}，买一斤少二两",
        8: "{家电|手机}买回来{三天就坏了|质量不行}，商家拒绝三包",
    },
    "zjj": {
        0: "{电梯|外墙|屋顶}要大修，{维修资金|维修基金}取不出来",
        1: "{开发商|楼盘}{逾期交房|迟迟不办证}，业主维权无门",
        2: "老旧小区改造{把管道挖坏了|施工质量太差}，施工方不理",
        3: "{工地|楼盘}{半夜|凌晨}还在{打桩|浇混凝土}，吵得睡不着",
        4: "{公租房|廉租房}的{申请条件|排号}是怎么规定的",
        5: "{房子|楼房}{裂缝越来越大|墙体开裂}，担心是危房",
    },
}
for _key, _fourth in FOURTH.items():
    for _no, _text in _fourth.items():
        SCENARIOS[_key][_no].append(_text)

# Matters of the street office (or town government) of the place, wherever it is: any street
# has them, and the place decides which office (the router resolves 属地 by the place). Their
# phrasing family is "local", so a held-out wording is held out for every street at once.
LOCAL: list[list[str]] = [
    [
        "{小区|院子|巷子}里的路灯坏了{好几盏|一大半}，晚上黑漆漆的",
        "晚上回家{那段路|楼下那条路}没有灯，路灯坏了很久，老人摔过跤",
        "路灯{一到晚上就闪|时亮时不亮}，报修了没人来",
        "我们这片的路灯{全坏了|一直不亮}，晚上出门很危险",
    ],
    [
        "{化粪池|下水道}满了，污水{冒到路面|流进了楼道}",
        "{老宿舍|老小区}的排污管堵了，{臭味|臭气}很大，没人管",
        "一下雨{下水道|排水沟}就往外冒脏水，院子里全是污水",
    ],
    [
        "小区物业不作为，{楼道灯|单元门禁}坏了几个月没人修",
        "物业费涨价没有开业主大会",
        "物业收了费不干事，{小区卫生|绿化}没人管",
        "{物业公司|物业}撤走了，小区{没人打扫|垃圾没人收}",
    ],
    [
        "楼上漏水到我家，和邻居协商不成",
        "邻居在楼道堆放{杂物|纸箱|旧家具}，影响通行",
        "隔壁装修把我家墙弄裂了，协商不下来",
        "{对门|楼上}邻居{占用公共过道|把东西堆在楼梯口}，说了也不听",
    ],
    [
        "小区没有业委会，想申请成立",
        "想成立业主委员会，不知道社区怎么指导",
        "业主大会怎么召开，社区能不能来指导一下",
    ],
    [
        "社区的健身器材坏了，希望更换",
        "社区健身器材断了，差点伤到小孩",
        "{小区|广场}上的健身器材{锈断了|松动了}，没人维修",
    ],
    [
        "小区里有人占用公共车位装地锁",
        "小区的公共车位被个人长期占用",
        "有住户在{消防通道|小区通道}上私装地锁占车位",
    ],
    [
        "煤矿关停以后的职工宿舍没人管，屋顶漏雨",
        "矿区老宿舍屋顶漏雨，找不到管理单位",
        "老{宿舍楼|厂区宿舍}没有产权单位，{外墙掉皮|屋顶漏水}没人管",
    ],
    [
        "楼道里小广告贴得到处都是，没人清理",
        "{单元楼|楼道}里的卫生好久没人打扫了",
        "{楼道|电梯间}贴满了开锁、通下水道的广告，社区也不管",
    ],
]
# The town's villages: 村务 that only 格里坪镇 has (family "glp").
VILLAGE: list[list[str]] = [
    [
        "村里的低保评议不公平，村干部优亲厚友",
        "村务公开栏几年没更新，账目不清楚",
        "村干部办事不公开，村民意见很大",
    ],
    [
        "村民之间因为宅基地边界起了纠纷",
        "和{邻居|隔壁村民}为了{宅基地|田边地角}吵起来了，想请镇上调解",
        "宅基地边界有争议，村委会调解不了",
    ],
    [
        "村里的垃圾收集点没人清理",
        "村里的垃圾{堆成山了|好几天没人拉}，味道很大",
        "村口的垃圾池满了也不来清运",
    ],
    [
        "村委会办事找不到人，经常不上班",
        "到村委会盖章跑了{几次|好几趟}都没人",
        "村干部{上班时间|工作日}找不到人",
    ],
]

# How often each department is the answer (a real line's mix is skewed).
WEIGHTS = {
    "scjgj": 8,
    "zhzf": 8,
    "rsj": 7,
    "zjj": 7,
    "mzj": 6,
    "gaj": 6,
    "sthj": 5,
    "nyjtj": 5,
    "jtj": 5,
    "wjj": 5,
    "ybj": 4,
    "sw": 3,
    "gjj": 3,
    "zrzy": 3,
    "yjj": 3,
    "qxp": 4,
    "yq": 3,
    "hmk": 3,
    "tjd": 3,
    "msh": 3,
    "dbd": 3,
    "glp": 4,
    "slj": 2,
    "swj": 2,
    "wglj": 2,
    "cl": 2,
    "tyjrj": 2,
    "sfj": 2,
    "zwfw": 2,
    "fgj": 2,
    "jxj": 2,
    "zfb": 1,
    "kjj": 1,
    "czj": 1,
    "sjj": 1,
    "tjj": 1,
    "mzzj": 1,
    "xfj": 1,
    "dag": 1,
    "zgh": 1,
    "yc": 1,
}

OPENERS = [
    "",
    "",
    "",
    "您好，",
    "你好，我想反映个事情，",
    "喂，是12345吗？",
    "我是{community}的居民，",
    "我姓{surname}，",
    "麻烦问一下，",
    "我要投诉，",
    "我之前打过电话，",
    "不好意思打扰了，",
    "我是外地来西区打工的，",
    "我代我家老人打电话，",
]
DURATIONS = [
    "",
    "",
    "这个情况已经持续半个月了。",
    "已经三四天了。",
    "从上个月开始就这样。",
    "好几年了一直没解决。",
    "昨天晚上发生的。",
    "今天早上又看到了。",
    "打过两次电话都没有结果。",
]
ASKS = [
    "",
    "希望相关部门尽快处理。",
    "请帮忙协调一下。",
    "请问应该找哪个部门？",
    "希望给个答复。",
    "麻烦派人来看看。",
    "请尽快解决，谢谢。",
    "我要求给个说法。",
    "不知道该怎么办，请指导一下。",
    "如果再不处理我就要向上反映了。",
]
EXTRAS = [
    "",
    "",
    "",
    "家里有老人小孩，",
    "周围的居民意见都很大，",
    "我们都是上班族，白天没时间，",
    "找过社区，社区说管不了，",
    "打了几次电话都没人接，",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗"
SLOT = re.compile(r"\{([^{}]*\|[^{}]*)\}")


def fill(rng: random.Random, template: str) -> str:
    """One of the alternatives of every {a|b|c} slot ({place} stays for the caller)."""
    return SLOT.sub(lambda m: rng.choice(m.group(1).split("|")), template)


def load_regions() -> tuple[dict[str, list[str]], dict[str, str]]:
    regions = json.loads((DATA / "regions.json").read_text(encoding="utf-8"))
    streets = {r["code"]: r["name"] for r in regions if r["level"] == "street"}
    communities: dict[str, list[str]] = {code: [] for code in streets}
    for r in regions:
        if r["level"] == "community":
            communities[r["parent"]].append(r["name"])
    return communities, streets


def place(rng: random.Random, street_name: str, community: str, *, named: bool = False) -> str:
    """Where the matter is. A street office's matter always names its community or street
    (the place decides that office, and a bare road number names no street)."""
    spot = rng.choice(SPOTS).format(n=rng.randint(1, 30))
    forms = [
        f"{community}{spot}",
        f"{street_name}{rng.choice(ROADS)}{spot}",
        f"{community}",
        f"{street_name}{community}{spot}",
    ]
    if not named:
        forms.append(f"{rng.choice(ROADS)}{rng.randint(1, 300)}号")
    return rng.choice(forms)


def matters(dept: str) -> list[tuple[str, int, list[str]]]:
    """(phrasing family, scenario number, wordings) of the matters a department answers."""
    if dept in STREET_OFFICE.values():
        out = [("local", i, w) for i, w in enumerate(LOCAL)]
        if dept == "glp":
            out += [("glp", i, w) for i, w in enumerate(VILLAGE)]
        return out
    return [(dept, i, w) for i, w in enumerate(SCENARIOS[dept])]


def one(
    rng: random.Random,
    dept: str,
    communities: dict,
    streets: dict,
    pick: tuple[str, int, int] | None = None,
) -> tuple[str, str, str]:
    """A ticket of the department: a random wording of a random matter, or the one picked
    (family, scenario, wording)."""
    if pick is None:
        family, scenario_no, scenario = rng.choice(matters(dept))
        phrasing_no = rng.randrange(len(scenario))
    else:
        family, scenario_no, phrasing_no = pick
        scenario = next(w for f, i, w in matters(dept) if (f, i) == (family, scenario_no))
    phrasing = fill(rng, scenario[phrasing_no])
    # Street offices: the place is in their own street; others: anywhere in the district.
    local = dept in STREET_OFFICE.values()
    street_code = next((c for c, k in STREET_OFFICE.items() if k == dept), None)
    if street_code is None:
        street_code = rng.choice(list(streets))
    community = rng.choice(communities[street_code])
    where = place(rng, streets[street_code], community, named=local)
    body = phrasing.format(place=where)
    if "{place}" not in phrasing and (local or rng.random() < 0.5):
        body = f"{where}，{body}" if rng.random() < 0.5 else f"{body}，地点在{where}"
    opener = rng.choice(OPENERS).format(community=community, surname=rng.choice(SURNAMES))
    tail = [rng.choice(DURATIONS), rng.choice(EXTRAS) + rng.choice(ASKS)]
    rng.shuffle(tail)
    text = opener + body + "。" + "".join(p for p in tail if p)
    text = text.replace("。。", "。").replace("，。", "。").replace("？。", "？")
    if text.endswith("，"):
        text = text[:-1] + "。"
    return text, f"{family}:{scenario_no}:{phrasing_no}", dept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=3200)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--out", type=Path, default=DATA / "hotline_tickets.csv")
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 - reproducible demo data, not secrets
    communities, streets = load_regions()
    names = {
        d["key"]: d["name"] for d in json.loads((DATA / "departments.json").read_text("utf-8"))
    }
    answered = set(SCENARIOS) | set(STREET_OFFICE.values())
    if not answered == set(names) == set(WEIGHTS):
        raise SystemExit(f"departments differ: {set(names) ^ answered}")
    keys = list(WEIGHTS)
    seen: set[str] = set()
    rows = []
    # Every wording once first, so that each matter can lose one to a held-out split and
    # still be learnt (rare departments would otherwise miss some); then the skewed mix.
    shuffled = rng.sample(keys, len(keys))  # a shared local wording goes to any street office
    firsts = {
        (family, i, j): dept
        for dept in shuffled
        for family, i, wordings in matters(dept)
        for j in range(len(wordings))
    }
    for (family, i, j), dept in firsts.items():
        text, phrasing, _ = one(rng, dept, communities, streets, pick=(family, i, j))
        seen.add(text)
        rows.append((text, names[dept], phrasing))
    while len(rows) < args.rows:
        dept = rng.choices(keys, weights=[WEIGHTS[k] for k in keys])[0]
        text, phrasing, _ = one(rng, dept, communities, streets)
        if text in seen:
            continue
        seen.add(text)
        rows.append((text, names[dept], phrasing))
    with args.out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "department", "phrasing"])
        w.writerows(rows)
    print(f"{len(rows)} tickets → {args.out}")


if __name__ == "__main__":
    main()
