package demo

// pending holds what the generator sends before the contract it belongs to, for the sinks that write a
// contract whole: the subjects for the whole run (there are few), and a contract's plan points, their KATO
// codes and its units until the contract itself arrives.
type pending struct {
	subjects map[string]Subject
	plans    map[int64]PlanPoint
	katos    map[int64]string
	units    []Unit
}

func newPending() pending {
	return pending{subjects: map[string]Subject{}, plans: map[int64]PlanPoint{}, katos: map[int64]string{}}
}

func (p *pending) Subject(v Subject) error     { p.subjects[v.BIIN()] = v; return nil }
func (p *pending) PlanPoint(v PlanPoint) error { p.plans[v.ID] = v; return nil }
func (p *pending) PlanKato(v PlanKato) error   { p.katos[v.PlanPointID] = v.KATO; return nil }
func (p *pending) Unit(v Unit) error           { p.units = append(p.units, v); return nil }

// written forgets the units and plan points of the contract just written.
func (p *pending) written() {
	for _, u := range p.units {
		delete(p.plans, u.PlanPointID)
		delete(p.katos, u.PlanPointID)
	}
	p.units = p.units[:0]
}
