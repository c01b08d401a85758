package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// TemplateFormats are the formats WriteTemplate writes.
var TemplateFormats = []string{"csv", "xlsx"}

// cellKind is how a template column is typed in the workbook.
type cellKind int

const (
	textCell     cellKind = iota // kept as text, so identifiers keep their leading zeros
	amountCell                   // a number shown with two decimals
	numberCell                   // a number
	dateCell                     // a date
	dateTimeCell                 // a date and time
)

// TemplateColumn documents one column of the canonical template.
type TemplateColumn struct {
	Name     string
	Required bool
	kind     cellKind
	example  any    // the example row's value: string, int, float64 or time.Time; nil for none
	EN       string // what the column means, in English
	RU       string // ... in Russian
	KK       string // ... in Kazakh
}

// TemplateColumns are the canonical template's columns in their documented order (docs/import-csv.md), with
// what each means: the one list the template's files, its reader and its documentation are made from.
var TemplateColumns = []TemplateColumn{
	{"contract_id", true, textCell, "EXAMPLE-DELETE-ME",
		"The contract's identifier in your system; rows with the same id form one contract",
		"Идентификатор договора в вашей системе; строки с одинаковым идентификатором образуют один договор",
		"Шарттың сіздің жүйеңіздегі идентификаторы; идентификаторы бірдей жолдар бір шартты құрайды"},
	{"signed_on", true, dateCell, time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC),
		"Signing date (YYYY-MM-DD or DD.MM.YYYY); decides the period and the supplier's tier",
		"Дата подписания (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ); определяет период и статус поставщика",
		"Қол қойылған күні (ЖЖЖЖ-АА-КК немесе КК.АА.ЖЖЖЖ); кезеңді және өнім берушінің мәртебесін анықтайды"},
	{"buyer_bin", true, textCell, "100140000001",
		"The buyer's BIN, 12 digits (keep the cell as text so leading zeros stay)",
		"БИН заказчика, 12 цифр (ячейка должна быть текстовой, чтобы не потерять ведущие нули)",
		"Тапсырыс берушінің БСН-і, 12 цифр (алдыңғы нөлдер жоғалмауы үшін ұяшық мәтіндік болуы керек)"},
	{"buyer_name", false, textCell, "КГУ «Средняя школа №5»",
		"Buyer name in Russian",
		"Наименование заказчика на русском языке",
		"Тапсырыс берушінің орыс тіліндегі атауы"},
	{"supplier_id", true, textCell, "100240000003",
		"The supplier's BIN/IIN, or a foreign tax number for a non-resident",
		"БИН/ИИН поставщика или иностранный налоговый номер нерезидента",
		"Өнім берушінің БСН/ЖСН-і немесе бейрезиденттің шетелдік салық нөмірі"},
	{"supplier_name", false, textCell, "ТОО «Казахстанская швейная фабрика»",
		"Supplier name in Russian",
		"Наименование поставщика на русском языке",
		"Өнім берушінің орыс тіліндегі атауы"},
	{"supplier_country", false, textCell, "KZ",
		"ISO 3166 country code: KZ, KAZ or 398; empty with a 12-digit supplier_id means KZ",
		"Код страны ISO 3166: KZ, KAZ или 398; пустое значение при 12-значном supplier_id означает KZ",
		"ISO 3166 ел коды: KZ, KAZ немесе 398; supplier_id 12 цифр болса, бос мән KZ дегенді білдіреді"},
	{"supplier_domestic_producer", false, numberCell, 1,
		"1 if the supplier produces the item in Kazakhstan, otherwise 0",
		"1, если поставщик производит товар в Казахстане, иначе 0",
		"Өнім беруші тауарды Қазақстанда өндірсе 1, әйтпесе 0"},
	{"item_id", false, textCell, "1",
		"The item's identifier within its contract; default: its position among the contract's rows",
		"Идентификатор позиции в договоре; по умолчанию — её порядковый номер среди строк договора",
		"Шарттағы позицияның идентификаторы; әдепкі бойынша — шарт жолдары арасындағы реттік нөмірі"},
	{"enstru_code", false, textCell, "141311.100.000001",
		"ENSTRU code XXXXXX.XXX.XXXXXX",
		"Код ЕНС ТРУ XXXXXX.XXX.XXXXXX",
		"ТЖҚБНА (ЕНС ТРУ) коды XXXXXX.XXX.XXXXXX"},
	{"item_name", false, textCell, "Школьная форма для девочек",
		"Item name in Russian",
		"Наименование товара на русском языке",
		"Тауардың орыс тіліндегі атауы"},
	{"quantity", false, numberCell, 200,
		"Number of units",
		"Количество",
		"Саны"},
	{"unit", false, textCell, "796",
		"Unit code or name (796 piece, 715 pair, 839 set)",
		"Код или название единицы измерения (796 штука, 715 пара, 839 комплект)",
		"Өлшем бірлігінің коды немесе атауы (796 дана, 715 жұп, 839 жиынтық)"},
	{"unit_price", false, amountCell, 15000.0,
		"Price per unit",
		"Цена за единицу",
		"Бірлік бағасы"},
	{"value", true, amountCell, 3000000.0,
		"The item's value including VAT; shares are computed on it",
		"Сумма позиции с НДС; доли рассчитываются по ней",
		"Позицияның ҚҚС-ты қоса алғандағы сомасы; үлестер осы сома бойынша есептеледі"},
	{"currency", false, textCell, "KZT",
		"ISO 4217 currency code; default KZT",
		"Код валюты ISO 4217; по умолчанию KZT",
		"ISO 4217 валюта коды; әдепкі бойынша KZT"},
	{"local_content_percent", false, numberCell, 84.5,
		"The item's local content, 0–100 (ST-KZ certificate)",
		"Доля местного содержания в товаре, 0–100 (сертификат СТ-KZ)",
		"Тауардағы жергілікті қамту үлесі, 0–100 (СТ-KZ сертификаты)"},
	{"kato", false, textCell, "751110000",
		"Delivery place, 9-digit KATO code; its first two digits give the region",
		"Место поставки, 9-значный код КАТО; первые две цифры — регион",
		"Жеткізу орны, 9 таңбалы ӘАОЖ (КАТО) коды; алғашқы екі цифры — өңір"},
	{"buyer_name_kk", false, textCell, "«№5 орта мектеп» КММ",
		"Buyer name in Kazakh",
		"Наименование заказчика на казахском языке",
		"Тапсырыс берушінің қазақ тіліндегі атауы"},
	{"supplier_name_kk", false, textCell, "«Қазақстан тігін фабрикасы» ЖШС",
		"Supplier name in Kazakh",
		"Наименование поставщика на казахском языке",
		"Өнім берушінің қазақ тіліндегі атауы"},
	{"supplier_resident", false, numberCell, 1,
		"1 if the supplier is a resident of Kazakhstan, otherwise 0; default: by its country",
		"1, если поставщик — резидент Казахстана, иначе 0; по умолчанию — по стране",
		"Өнім беруші Қазақстан резиденті болса 1, әйтпесе 0; әдепкі бойынша — елі бойынша"},
	{"item_name_kk", false, textCell, "Қыздарға арналған мектеп формасы",
		"Item name in Kazakh",
		"Наименование товара на казахском языке",
		"Тауардың қазақ тіліндегі атауы"},
	{"description", false, textCell, "ПРИМЕР / EXAMPLE: удалите эту строку перед импортом, delete this row",
		"Contract description",
		"Описание договора",
		"Шарттың сипаттамасы"},
	{"contract_total", false, amountCell, 3000000.0,
		"The contract total; default: the sum of its items' value",
		"Сумма договора; по умолчанию — сумма value его позиций",
		"Шарт сомасы; әдепкі бойынша — оның позицияларының value сомасы"},
	{"value_without_vat", false, amountCell, 2678571.43,
		"The item's value without VAT, kept beside value",
		"Сумма позиции без НДС, хранится рядом с value",
		"Позицияның ҚҚС-сыз сомасы, value-мен қатар сақталады"},
	{"fiscal_year", false, numberCell, 2026,
		"Fiscal year, kept as given",
		"Финансовый год, сохраняется как указан",
		"Қаржы жылы, көрсетілгендей сақталады"},
	{"method", false, textCell, "открытый конкурс",
		"Procurement method, kept as given",
		"Способ закупки, сохраняется как указан",
		"Сатып алу тәсілі, көрсетілгендей сақталады"},
	{"status", false, textCell, "действует",
		"Contract status, kept as given",
		"Статус договора, сохраняется как указан",
		"Шарттың мәртебесі, көрсетілгендей сақталады"},
	{"exchange_rate", false, numberCell, nil,
		"Tenge per unit of currency on the signing date; required for a foreign currency unless rates are loaded",
		"Курс: тенге за единицу валюты на дату подписания; обязателен для иностранной валюты, если курсы не загружены",
		"Бағам: қол қойылған күнгі валюта бірлігіне теңге; бағамдар жүктелмесе, шетел валютасы үшін міндетті"},
	{"contract_local_content_percent", false, numberCell, 84.5,
		"The local content published for the whole contract, 0–100",
		"Опубликованная доля местного содержания по договору, 0–100",
		"Шарт бойынша жарияланған жергілікті қамту үлесі, 0–100"},
	{"updated_at", false, dateTimeCell, time.Date(2026, 8, 2, 10, 0, 0, 0, time.UTC),
		"Version of the row; a newer version replaces an older one",
		"Версия строки; более новая версия заменяет более старую",
		"Жолдың нұсқасы; жаңа нұсқа ескісін ауыстырады"},
	{"deleted", false, numberCell, 0,
		"1 marks an item that must not be counted",
		"1 — позиция не учитывается",
		"1 — позиция есепке алынбайды"},
}

// templateNotes close the "columns" sheet.
// CSVColumns are the names of TemplateColumns, in order.
var CSVColumns = templateNames(func(TemplateColumn) bool { return true })

// csvRequired are the names of the required TemplateColumns.
var csvRequired = templateNames(func(c TemplateColumn) bool { return c.Required })

func templateNames(keep func(TemplateColumn) bool) []string {
	var names []string
	for _, c := range TemplateColumns {
		if keep(c) {
			names = append(names, c.Name)
		}
	}
	return names
}

var templateNotes = [][]string{
	{"The first sheet holds one example row: replace it with your data (one row per contract item).",
		"На первом листе — одна строка-пример: замените её своими данными (одна строка на позицию договора).",
		"Бірінші парақта бір үлгі жол бар: оны өз деректеріңізбен ауыстырыңыз (шарттың әр позициясына бір жол)."},
	{"Import: ules import --format xlsx FILE (or --format csv). Columns may be left out unless required.",
		"Загрузка: ules import --format xlsx ФАЙЛ (или --format csv). Необязательные столбцы можно удалить.",
		"Жүктеу: ules import --format xlsx ФАЙЛ (немесе --format csv). Міндетті емес бағандарды алып тастауға болады."},
}

// WriteTemplate writes the canonical import template in format ("csv" or "xlsx"): the header row and, with
// example, one example row whose contract is EXAMPLE-DELETE-ME (imported as it is, it would be a contract
// like any other). The workbook adds a second sheet, "columns", describing each column in English, Russian
// and Kazakh. The CSV starts with a byte-order mark so that Excel reads it as UTF-8.
func WriteTemplate(w io.Writer, format string, example bool) error {
	switch format {
	case "csv":
		return writeTemplateCSV(w, example)
	case "xlsx":
		return writeTemplateXLSX(w, example)
	}
	return fmt.Errorf("ingest: unknown template format %q (want %s)", format, strings.Join(TemplateFormats, " or "))
}

func writeTemplateCSV(w io.Writer, withExample bool) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	cw := csv.NewWriter(w)
	header := make([]string, len(TemplateColumns))
	example := make([]string, len(TemplateColumns))
	for i, c := range TemplateColumns {
		header[i] = c.Name
		example[i] = c.exampleText()
	}
	cw.Write(header) //nolint:errcheck // reported by Flush
	if withExample {
		cw.Write(example) //nolint:errcheck
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	return nil
}

// exampleText is the example value as the CSV writes it.
func (c TemplateColumn) exampleText() string {
	switch v := c.example.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		if c.kind == amountCell {
			return strconv.FormatFloat(v, 'f', 2, 64)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		if c.kind == dateTimeCell {
			return v.Format(time.DateTime)
		}
		return v.Format(time.DateOnly)
	}
	panic(fmt.Sprintf("ingest: template column %s has an example of type %T", c.Name, c.example))
}

func writeTemplateXLSX(w io.Writer, withExample bool) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("ingest: write template: %w", cerr)
		}
	}()
	if err := f.SetSheetName("Sheet1", "items"); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	if _, err := f.NewSheet("columns"); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	if err := writeItemsSheet(f, withExample); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	if err := writeColumnsSheet(f); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	return nil
}

var headerStyle = excelize.Style{
	Font:      &excelize.Font{Bold: true},
	Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
	Alignment: &excelize.Alignment{Vertical: "top"},
}

func writeItemsSheet(f *excelize.File, withExample bool) error {
	styles := map[cellKind]*excelize.Style{
		textCell:     {NumFmt: 49}, // @
		amountCell:   {NumFmt: 4},  // #,##0.00
		numberCell:   {},
		dateCell:     {CustomNumFmt: ptr("yyyy-mm-dd")},
		dateTimeCell: {CustomNumFmt: ptr("yyyy-mm-dd hh:mm:ss")},
	}
	ids := map[cellKind]int{}
	for kind, s := range styles {
		id, err := f.NewStyle(s)
		if err != nil {
			return err
		}
		ids[kind] = id
	}
	bold, err := f.NewStyle(&headerStyle)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("items")
	if err != nil {
		return err
	}
	header := make([]any, len(TemplateColumns))
	example := make([]any, len(TemplateColumns))
	for i, c := range TemplateColumns {
		col := i + 1
		// Typed into later rows, values take the column's style: text keeps a BIN's leading zeros.
		if err := sw.SetColStyle(col, col, ids[c.kind]); err != nil {
			return err
		}
		if err := sw.SetColWidth(col, col, columnWidth(c)); err != nil {
			return err
		}
		header[i] = excelize.Cell{StyleID: bold, Value: c.Name}
		example[i] = excelize.Cell{StyleID: ids[c.kind], Value: c.example}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	if withExample {
		if err := sw.SetRow("A2", example); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// columnWidth fits a column to its name and example, within reason.
func columnWidth(c TemplateColumn) float64 {
	n := max(utf8.RuneCountInString(c.Name), utf8.RuneCountInString(c.exampleText())+2, 10)
	return float64(min(n, 40)) + 2
}

func writeColumnsSheet(f *excelize.File) error {
	bold, err := f.NewStyle(&headerStyle)
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("columns")
	if err != nil {
		return err
	}
	for col, width := range []float64{32, 16, 60, 60, 60} {
		if err := sw.SetColWidth(col+1, col+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := []any{"column / столбец / баған", "required / обязательный / міндетті", "description", "описание", "сипаттама"}
	for i, h := range header {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	row := 2
	for _, c := range TemplateColumns {
		required := ""
		if c.Required {
			required = "yes / да / иә"
		}
		cells := []any{c.Name, required, c.EN, c.RU, c.KK}
		for i, v := range cells {
			cells[i] = excelize.Cell{StyleID: wrap, Value: v}
		}
		if err := sw.SetRow("A"+strconv.Itoa(row), cells); err != nil {
			return err
		}
		row++
	}
	row++
	for _, note := range templateNotes {
		cells := []any{"", "", excelize.Cell{StyleID: wrap, Value: note[0]}, excelize.Cell{StyleID: wrap, Value: note[1]},
			excelize.Cell{StyleID: wrap, Value: note[2]}}
		if err := sw.SetRow("A"+strconv.Itoa(row), cells); err != nil {
			return err
		}
		row++
	}
	return sw.Flush()
}

func ptr[T any](v T) *T { return &v }
