package httpapi

import (
	"regexp"
	"strings"
)

// reasonPattern translates one shape of the importer's messages, which it writes in English (they are also
// the API's and the command line's): re matches the whole English text, and kk and ru rewrite it, keeping
// the field names, values and places it captured ($1, $2, ...).
type reasonPattern struct {
	re     *regexp.Regexp
	kk, ru string
}

func pattern(re, kk, ru string) reasonPattern {
	return reasonPattern{re: regexp.MustCompile("^" + re + "$"), kk: kk, ru: ru}
}

// reasonPatterns cover the reasons and notes users meet most; a text none matches is shown as written.
// Specific shapes come before general ones.
var reasonPatterns = []reasonPattern{
	pattern(`(\S+): is required`, "$1: міндетті өріс", "$1: обязательное поле"),
	pattern(`(\S+): (".*") is not 12 digits`, "$1: $2 — 12 цифр емес", "$1: $2 — не 12 цифр"),
	pattern(`(\S+): (".*") is not a date \(want .*\)`,
		"$1: $2 — күн емес (ЖЖЖЖ-АА-КК, ЖЖЖЖ-АА-КК СС:ММ:СС немесе КК.АА.ЖЖЖЖ керек)",
		"$1: $2 — не дата (нужно ГГГГ-ММ-ДД, ГГГГ-ММ-ДД ЧЧ:ММ:СС или ДД.ММ.ГГГГ)"),
	pattern(`(\S+): (".*") is outside 1990\.\.2100`, "$1: $2 1990..2100 аралығынан тыс", "$1: $2 вне 1990..2100"),
	pattern(`(\S+): (\S+) is more than a year from today: check the date`,
		"$1: $2 — бүгіннен бір жылдан астам кейін: күнді тексеріңіз", "$1: $2 — больше чем через год от сегодня: проверьте дату"),
	pattern(`(\S+): (".*") is not an amount: .*`, "$1: $2 — сома емес", "$1: $2 — не сумма"),
	pattern(`(\S+): (".*") is negative`, "$1: $2 — теріс сан", "$1: $2 — отрицательное число"),
	pattern(`(\S+): (".*") is not a whole number`, "$1: $2 — бүтін сан емес", "$1: $2 — не целое число"),
	pattern(`(\S+): (".*") is not a flag \(want 0 or 1\)`, "$1: $2 — белгі емес (0 немесе 1 керек)", "$1: $2 — не флаг (нужно 0 или 1)"),
	pattern(`(\S+): (".*") is not a 9-digit KATO code`, "$1: $2 — 9 таңбалы ҚАТО коды емес", "$1: $2 — не 9-значный код КАТО"),
	pattern(`(\S+): (".*") names no region: .*`,
		"$1: $2 өңірді көрсетпейді: ҚАТО коды 20 өңірдің екі таңбалы кодының бірінен басталады (71 Астана, 75 Алматы, ...)",
		"$1: $2 не указывает регион: код КАТО начинается с двузначного кода одного из 20 регионов (71 Астана, 75 Алматы, ...)"),
	pattern(`(\S+): (".*") is not an ENSTRU code \(want XXXXXX\.XXX\.XXXXXX\)`,
		"$1: $2 — ЕНС ТРУ коды емес (XXXXXX.XXX.XXXXXX керек)", "$1: $2 — не код ЕНС ТРУ (нужно XXXXXX.XXX.XXXXXX)"),
	pattern(`(\S+): (".*") is not an ISO 3166 country code`, "$1: $2 — ISO 3166 ел коды емес", "$1: $2 — не код страны ISO 3166"),
	pattern(`(\S+): (".*") is not an ISO 4217 currency code.*`, "$1: $2 — ISO 4217 валюта коды емес (мысалы, KZT)", "$1: $2 — не код валюты ISO 4217 (например, KZT)"),
	pattern(`(\S+): (".*") is no contract status Ules knows: .*`,
		"$1: $2 — белгісіз шарт мәртебесі: портал кодын (190) немесе атауын (Әрекетте), OCDS мәртебесін (active, terminated, pending, cancelled) көрсетіңіз немесе жасалған шарт үшін бос қалдырыңыз",
		"$1: $2 — неизвестный статус договора: укажите код портала (190) или название (Действует), статус OCDS (active, terminated, pending, cancelled) или оставьте пустым для заключённого договора"),
	pattern(`item (\S+) of contract (\S+) is given again \(first at (\S+)\): .*`,
		"$2 шартының $1 позициясы қайта берілген (алғашқысы: $3): бір позиция — бір жол; қайталауды алып тастаңыз немесе оған өз нөмірін беріңіз",
		"позиция $1 договора $2 указана повторно (впервые: $3): одна позиция — одна строка; удалите повтор или дайте ей свой номер"),
	pattern(`pln_point_id (\S+) is not in plans/, or is marked deleted there`,
		"pln_point_id $1 plans/ ішінде жоқ немесе жойылған деп белгіленген", "pln_point_id $1 нет в plans/, или он помечен там удалённым"),
	pattern(`contract_id (\S+) is neither in contract/ nor already imported`,
		"contract_id $1 contract/ ішінде де, бұрын импортталғандарда да жоқ", "contract_id $1 нет ни в contract/, ни среди импортированных"),
	pattern(`the line is not UTF-8 text .*`,
		"жол UTF-8 мәтіні емес: файлды «CSV UTF-8» ретінде сақтап, қайта импорттаңыз", "строка не в UTF-8: сохраните файл как «CSV UTF-8» и импортируйте снова"),
	pattern(`wrong number of fields: (\d+), the header has (\d+)`, "өрістер саны қате: $1, тақырыпта $2", "неверное число полей: $1, в заголовке $2"),
	pattern(`(\d+) stored, not counted: contracts of status (\S+) \((.*)\) that a later version \(an amendment\) replaces`,
		"$1 сақталды, есептелмейді: кейінгі нұсқасы (қосымша келісім) ауыстырған, мәртебесі $2 ($3) шарттар",
		"$1 сохранено, не учитывается: договоры со статусом $2 ($3), которые заменила более поздняя редакция (доп. соглашение)"),
	pattern(`(\d+) stored, not counted: contracts of status (\S+) \((.*)\)`,
		"$1 сақталды, есептелмейді: мәртебесі $2 ($3) шарттар", "$1 сохранено, не учитывается: договоры со статусом $2 ($3)"),
	pattern(`(\d+) stored, not counted: contracts of status (".*"), which is not in the table of contract statuses`,
		"$1 сақталды, есептелмейді: мәртебесі $2 шарттар, ол мәртебелер кестесінде жоқ",
		"$1 сохранено, не учитывается: договоры со статусом $2, которого нет в таблице статусов"),
	pattern(`(\d+) skipped: plan points marked deleted \(is_deleted\): not used for any item`,
		"$1 өткізіліп жіберілді: жойылған деп белгіленген жоспар тармақтары (is_deleted) ешбір позицияға қолданылмайды",
		"$1 пропущено: пункты плана, помеченные удалёнными (is_deleted), ни для одной позиции не используются"),
	pattern(`(\d+) skipped: plan points' KATO rows marked deleted \(is_deleted\): not used for any item's region`,
		"$1 өткізіліп жіберілді: жоспар тармақтарының жойылған ҚАТО жолдары (is_deleted) өңірді анықтамайды",
		"$1 пропущено: удалённые строки КАТО пунктов плана (is_deleted) регион не определяют"),
	pattern(`(\d+) skipped: (.*)`, "$1 өткізіліп жіберілді: $2", "$1 пропущено: $2"),
	pattern(`note: (\S+) is not UTF-8: it was read as Windows-1251 .*`,
		"ескерту: $1 UTF-8 емес: Windows-1251 ретінде оқылып, түрлендірілді (Excel орыс және қазақ тілдерінде «CSV»-ді осылай сақтайды)",
		"примечание: $1 не в UTF-8: прочитан как Windows-1251 и преобразован (так Excel на русском и казахском сохраняет «CSV»)"),
	pattern(`interrupted: .*`,
		"үзілді: импорт процесі аяқталмай тоқтады (тоқтатылды немесе байланыс үзілді); ештеңе жазылмады",
		"прервано: процесс импорта завершился, не закончив (остановлен или потерял соединение); ничего не записано"),
	pattern(`ingest: too many bad records, nothing was imported: (\d+) bad records, --max-errors is (\d+)`,
		"қате жазбалар тым көп, ештеңе импортталмады: қате жазбалар $1, --max-errors $2",
		"слишком много ошибочных записей, ничего не импортировано: ошибочных записей $1, --max-errors $2"),
}

// translateReason shows one of the importer's texts in lang; an import's summary is several, joined by "; ".
func translateReason(lang, text string) string {
	if lang != "kk" && lang != "ru" {
		return text
	}
	parts := strings.Split(text, "; ")
	for i, p := range parts {
		for _, rp := range reasonPatterns {
			if rp.re.MatchString(p) {
				tmpl := rp.ru
				if lang == "kk" {
					tmpl = rp.kk
				}
				parts[i] = rp.re.ReplaceAllString(p, tmpl)
				break
			}
		}
	}
	return strings.Join(parts, "; ")
}
