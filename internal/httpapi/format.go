package httpapi

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ules-kz/ules/internal/money"
)

// percent turns basis points into the API's percentage number, rounded to 0.01.
func percent(bp int64) float64 { return float64(bp) / 100 }

// formatPercent shows a share with one decimal, as every page does, the way the page's language writes it:
// "39,5 %" in Kazakh and Russian, "39.5%" in English.
func formatPercent(lang string, bp int64) string {
	s := formatPercentNumber(bp)
	if lang == "en" {
		return s + "%"
	}
	return strings.Replace(s, ".", ",", 1) + "\u00a0%"
}

func formatPercentNumber(bp int64) string {
	// Round half away from zero to one decimal from exact basis points.
	tenths := (bp + 5) / 10
	if bp < 0 {
		tenths = (bp - 5) / 10
	}
	s := strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(abs(tenths%10), 10)
	if tenths < 0 && tenths/10 == 0 {
		s = "-" + s
	}
	return s
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// barWidth is a CSS width in percent for a share, capped at 100.
func barWidth(bp int64) string {
	if bp > 10000 {
		bp = 10000
	}
	if bp < 0 {
		bp = 0
	}
	return formatPercentNumber(bp)
}

// formatTenge shows whole tenge in groups of three, rounding tiyn half away from zero: "1 234 567 ₸" in
// Kazakh and Russian (non-breaking spaces), "1,234,567 ₸" in English.
func formatTenge(lang string, minor int64) string {
	sep := "\u00a0"
	if lang == "en" {
		sep = ","
	}
	whole := money.FormatGrouped(money.ApplyBasisPoints(minor, 100)*100, sep)
	whole, _, _ = strings.Cut(whole, ".")
	return whole + "\u00a0₸"
}

// sourceNames shows an import's inputs by their file or folder names: the server's paths (a user's folders,
// /tmp) are nobody's business. Several inputs are recorded separated by ", ".
func sourceNames(source string) string {
	parts := strings.Split(source, ", ")
	for i, p := range parts {
		parts[i] = filepath.Base(filepath.Clean(p))
	}
	return strings.Join(parts, ", ")
}

// messages are the dashboard's own words; data (names of regions, buyers, targets) carries its own translations.
var messages = map[string][3]string{ // kk, ru, en
	"Targets":                       {"Мақсаттар", "Цели", "Targets"},
	"Target":                        {"Мақсат", "Цель", "Target"},
	"Threshold":                     {"Шекті мән", "Пороговое значение", "Threshold"},
	"Domestic share":                {"Отандық өндірушілер үлесі", "Доля отечественных производителей", "Domestic producers' share"},
	"Gap in tenge":                  {"Теңгемен айырма", "Разрыв в тенге", "Gap in tenge"},
	"Gap in points":                 {"Пайыздық тармақпен айырма", "Разрыв в п.п.", "Gap in points"},
	"Purchases":                     {"Сатып алулар", "Закупки", "Purchases"},
	"From domestic producers":       {"Отандық өндірушілерден", "У отечественных производителей", "From domestic producers"},
	"Local content":                 {"Қазақстандық қамту", "Казахстанское содержание", "Local content"},
	"Local content by certificates": {"СТ-KZ сертификаттары бойынша қазақстандық қамту", "Казахстанское содержание по сертификатам СТ-KZ", "Local content by ST-KZ certificates"},
	"Projected by year end":         {"Жыл соңына болжам", "Прогноз на конец года", "Projected by year end"},
	"Monthly trend":                 {"Айлық динамика", "Помесячная динамика", "Monthly trend"},
	"By region":                     {"Өңірлер бойынша", "По регионам", "By region"},
	"Region":                        {"Өңір", "Регион", "Region"},
	"As of":                         {"Күні", "На дату", "As of"},
	"Show":                          {"Көрсету", "Показать", "Show"},
	"Period":                        {"Кезең", "Период", "Period"},
	"No targets":                    {"Мақсаттар жоқ", "Целей нет", "No targets yet"},
	"No purchases in this period":   {"Бұл кезеңде сатып алу жоқ", "Закупок за период нет", "No purchases in this period"},
	"Same figures":                  {"Осы сандар API арқылы:", "Те же цифры через API:", "The same figures from the API:"},
	"Footer":                        {"Ules — мемлекеттік сатып алудағы отандық үлес", "Ules — доля отечественных производителей в госзакупках", "Ules — domestic producers' share of public procurement"},
	"met":                           {"орындалды", "выполнено", "met"},
	"on_track":                      {"жоспар бойынша", "в графике", "on track"},
	"at_risk":                       {"қауіп бар", "под угрозой", "at risk"},
	"off_track":                     {"артта қалу", "отставание", "off track"},
	"no_data":                       {"деректер жоқ", "нет данных", "no data"},
	"not_started":                   {"әлі күшіне енген жоқ", "ещё не действует", "not yet in force"},
	"In force from":                 {"Күшіне енетін күні", "Действует с", "In force from"},
	"No purchases so far":           {"Әзірге сатып алу жоқ", "Закупок пока нет", "No purchases in scope so far"},
	"Threshold line":                {"Шекті мән", "Порог", "Threshold"},
	"Imports":                       {"Импорт", "Импорт", "Imports"},
	"Import":                        {"Импорт", "Импорт", "Import"},
	"Import template":               {"Импорт үлгісі", "Шаблон импорта", "Import template"},
	"Template help":                 {"Бір жол — бір тауар позициясы; бағандар CSV мен XLSX-те бірдей. Толтырылған файлды жүктеңіз:", "Одна строка — одна позиция договора; столбцы одинаковы в CSV и XLSX. Заполненный файл загружается командой:", "One row per contract item; the columns are the same in CSV and XLSX. Load the filled-in file with:"},
	"Started":                       {"Басталды", "Начат", "Started"},
	"Format":                        {"Формат", "Формат", "Format"},
	"File":                          {"Файл", "Файл", "File"},
	"Status":                        {"Күйі", "Статус", "Status"},
	"Read":                          {"Оқылды", "Прочитано", "Read"},
	"Written":                       {"Жазылды", "Записано", "Written"},
	"Unchanged":                     {"Өзгеріссіз", "Без изменений", "Unchanged"},
	"Replaced":                      {"Ауыстырылды", "Заменено", "Replaced"},
	"Removed":                       {"Жойылды", "Удалено", "Removed"},
	"Rejected":                      {"Қабылданбады", "Отклонено", "Rejected"},
	"Note":                          {"Ескерту", "Примечание", "Note"},
	"By":                            {"Кім", "Кем", "By"},
	"Bad records":                   {"Қате жазбалар", "Ошибочные записи", "Bad records"},
	"Location":                      {"Орны", "Место", "Location"},
	"Reason":                        {"Себебі", "Причина", "Reason"},
	"Older":                         {"Ескілері", "Раньше", "Older"},
	"More":                          {"Тағы", "Ещё", "More"},
	"No imports":                    {"Импорт әлі болған жоқ", "Импортов ещё не было", "No imports yet"},
	"No bad records":                {"Қате жазба жоқ", "Ошибочных записей нет", "No bad records"},
	"committed":                     {"сақталды", "сохранён", "committed"},
	"failed":                        {"сәтсіз", "не выполнен", "failed"},
	"running":                       {"жүріп жатыр", "выполняется", "running"},
	"Not found":                     {"Табылмады", "Не найдено", "Not found"},
	"Methodology":                   {"Әдістеме", "Методика", "Methodology"},
	"Sums with VAT":                 {"Сомалар ҚҚС-пен", "Суммы с НДС", "Sums include VAT"},
	"Which contracts count":         {"Қандай шарттар есептеледі", "Какие договоры учитываются", "Which contracts count"},
	"Who is a domestic producer":    {"Отандық өндіруші кім", "Кто отечественный производитель", "Who is a domestic producer"},
	"Contract statuses":             {"Шарт мәртебелері", "Статусы договоров", "Contract statuses"},
	"Code":                          {"Коды", "Код", "Code"},
	"Counts":                        {"Есептеледі", "Учитывается", "Counts"},
	"counts value":                  {"құны бойынша", "по сумме договора", "at its value"},
	"counts paid":                   {"төленген сома бойынша", "по оплаченной сумме", "at what was paid"},
	"counts none":                   {"есептелмейді", "не учитывается", "no"},
	"Method counts": {
		"Шарт оның мәртебесі рұқсат етсе ғана есептеледі: жасалған және қолданыстағы, орындалған, ішінара орындалған, өзгертілген, мерзімі аяқталған немесе берілген шарттар құны бойынша; бұзылған шарттар белгілі болса төленген сомасы бойынша; жасалмаған шарттар, жобалар мен қол қойылмағандар, бас тартылғандар және сот жарамсыз деп танығандар есептелмейді. Порталда жойылған деп белгіленген жазбалар есептелмейді.",
		"Договор учитывается, только если это позволяет его статус: заключённые и действующие, исполненные, частично исполненные, изменённые, с истёкшим сроком и переданные — по сумме договора; расторгнутые — по оплаченной сумме, если она известна; не заключённые, проекты и ожидающие подписи, отказы от закупки и признанные судом недействительными не учитываются. Записи, помеченные на портале как удалённые, не учитываются.",
		"A contract counts only when its status says so: concluded and in force, executed, partly executed, changed, expired or transferred contracts at their value; terminated contracts at what was paid, when that is known; contracts not concluded, drafts and those awaiting signature, refused purchases and contracts voided by a court not at all. Records the portal marks deleted do not count."},
	"Method amendments": {
		"Қосымша келісім — бастапқы шартқа сілтейтін жеке шарт (root_id, parent_id). Әр шарт бір рет, соңғы нұсқасының сомасы бойынша есептеледі.",
		"Дополнительное соглашение — отдельный договор со ссылкой на исходный (root_id, parent_id). Каждый договор учитывается один раз, по его последней редакции.",
		"An amendment is a contract of its own that names the first version (root_id, parent_id). Each contract counts once, at its latest version."},
	"Method VAT": {
		"Барлық сомалар ҚҚС-пен: порталдың contract_sum_wnds, total_sum_wnds және item_price_wnds өрістері. ҚҚС-сыз сомалар сақталады, бірақ ешбір көрсеткішке кірмейді.",
		"Все суммы — с НДС: поля портала contract_sum_wnds, total_sum_wnds и item_price_wnds. Суммы без НДС хранятся рядом и ни в один показатель не входят.",
		"All sums include VAT: the portal's contract_sum_wnds, total_sum_wnds and item_price_wnds. The sums without VAT are kept beside them and enter no figure."},
	"Method dates": {
		"Кезеңді шартқа қол қойылған күн анықтайды. Портал уақытты Алматы уақытымен береді: 31 желтоқсан 23:30-да қол қойылған шарт сол жылға жатады.",
		"Период определяется датой подписания. Портал указывает время по Алматы: договор, подписанный 31 декабря в 23:30, относится к этому году.",
		"The signing date decides the period. The portal writes Almaty time: a contract signed at 23:30 on 31 December belongs to that year."},
	"Method tiers": {
		"Әр тауар позициясы үшін шартқа қол қойылған күнгі жағдай бойынша: жеткізуші осы тауардың отандық өндірушілер тізілімінде болса, жарамды СТ-KZ сертификаты болса немесе портал оны өндіруші деп белгілесе — отандық өндіруші; Қазақстанда тіркелген, бірақ өндіруші емес болса — резидент жеткізуші; әйтпесе — бейрезидент. Үлеске тек отандық өндірушілер кіреді.",
		"Для каждой позиции на дату подписания: поставщик в реестре отечественных производителей по этому товару, с действующим сертификатом СТ-KZ или отмеченный порталом как производитель — отечественный производитель; зарегистрированный в Казахстане, но не производитель — поставщик-резидент; иначе — нерезидент. В долю входят только отечественные производители.",
		"For each item, as of the signing date: a supplier on the register of domestic producers for the product, holding a valid ST-KZ certificate for it, or flagged a producer by the portal is a domestic producer; one registered in Kazakhstan but not a producer is a resident supplier; any other is a non-resident. Only domestic producers make up the share."},
	"Method local content": {
		"Қазақстандық қамту ұлттық әдістеме бойынша (20.04.2018 № 260 бұйрық): KC = Σ CTi·Ki / S, мұнда CTi — тауар құны, Ki — СТ-KZ сертификатындағы қазақстандық қамту үлесі (сертификатсыз 0), S — шарт сомасы. Шартта жарияланған пайыз қатар көрсетіледі.",
		"Казахстанское содержание по национальной методике (приказ № 260 от 20.04.2018): KC = Σ CTi·Ki / S, где CTi — стоимость товара, Ki — доля казахстанского содержания по сертификату СТ-KZ (без сертификата 0), S — сумма договора. Опубликованный в договоре процент показывается рядом.",
		"Local content by the national methodology (Order No. 260 of 20.04.2018): KC = Σ CTi·Ki / S, where CTi is a good's value, Ki its local-content fraction from the ST-KZ certificate (0 without one) and S the contract total. The percentage the contract publishes is shown beside it."},
	"Not found detail":            {"Мұндай бет жоқ: сілтемені тексеріңіз немесе басты беттен бастаңыз.", "Такой страницы нет: проверьте ссылку или начните с главной.", "There is no such page: check the link or start from the overview."},
	"Something went wrong":        {"Бірдеңе дұрыс болмады", "Что-то пошло не так", "Something went wrong"},
	"Something went wrong detail": {"Сұрауды орындау мүмкін болмады. Кейінірек қайталаңыз; қате журналға жазылды.", "Запрос не удалось выполнить. Повторите позже; ошибка записана в журнал.", "The request could not be answered. Try again later; the error was logged."},
}

// translator returns the T function templates call; an unknown key shows as itself.
func translator(lang string) func(string) string {
	i := 2
	switch lang {
	case "kk":
		i = 0
	case "ru":
		i = 1
	}
	return func(key string) string {
		if m, ok := messages[key]; ok {
			return m[i]
		}
		return key
	}
}
