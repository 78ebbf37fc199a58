/**
 * The risk table of the seven lifecycle stages, as a form: for each stage 未評価 / 該当 / 該当なし, the threats,
 * the countermeasures and the residual risk. Errors from the API arrive keyed `risks.<stage>.<field>`.
 */
import { residualLabels, residualLevels, stageLabels } from '../../../src/contract/ledger-vocabulary.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { RiskDraft } from './ledger-model.ts';

export function RiskTableInput({
  risks,
  issues,
  onChange,
}: {
  risks: RiskDraft[];
  issues: Record<string, string>;
  onChange: (stage: string, patch: Partial<RiskDraft>) => void;
}) {
  const { t, pick } = useI18n();
  const setRisk = onChange;
  return (
    <fieldset className="form-section">
      <legend>{t('ledger.section.risks')}</legend>
      <p className="card-lead">{t('ledger.risksLead')}</p>
      <div className="table-wrap">
        <table className="table risk-table" data-testid="risk-table">
          <thead>
            <tr>
              <th scope="col">{t('ledger.risk.stage')}</th>
              <th scope="col">{t('ledger.risk.assessment')}</th>
              <th scope="col">{t('ledger.risk.threats')}</th>
              <th scope="col">{t('ledger.risk.countermeasures')}</th>
              <th scope="col">{t('ledger.risk.residual')}</th>
            </tr>
          </thead>
          <tbody>
            {risks.map((r) => {
              const stage = pick(stageLabels[r.stage].ja, stageLabels[r.stage].en);
              const err = (f: string) => issues[`risks.${r.stage}.${f}`];
              const rowErrors = ['stage', 'threats', 'countermeasures', 'residual_risk'].map(err).filter(Boolean);
              return (
                <tr key={r.stage} data-testid="risk-row" data-stage={r.stage}>
                  <th scope="row" className="nowrap">
                    {stage}
                  </th>
                  <td>
                    <select
                      aria-label={`${stage} ${t('ledger.risk.assessment')}`}
                      value={r.assessment}
                      onChange={(e) => setRisk(r.stage, { assessment: e.target.value as RiskDraft['assessment'] })}
                    >
                      <option value="none">{t('ledger.risk.notAssessed')}</option>
                      <option value="applies">{t('ledger.risk.applies')}</option>
                      <option value="n/a">{t('ledger.risk.notApplicable')}</option>
                    </select>
                  </td>
                  <td>
                    <textarea
                      aria-label={`${stage} ${t('ledger.risk.threats')}`}
                      rows={2}
                      disabled={r.assessment === 'none'}
                      aria-invalid={err('threats') ? true : undefined}
                      value={r.threats}
                      onChange={(e) => setRisk(r.stage, { threats: e.target.value })}
                    />
                  </td>
                  <td>
                    <textarea
                      aria-label={`${stage} ${t('ledger.risk.countermeasures')}`}
                      rows={2}
                      disabled={r.assessment !== 'applies'}
                      aria-invalid={err('countermeasures') ? true : undefined}
                      value={r.countermeasures}
                      onChange={(e) => setRisk(r.stage, { countermeasures: e.target.value })}
                    />
                  </td>
                  <td>
                    <select
                      aria-label={`${stage} ${t('ledger.risk.residual')}`}
                      disabled={r.assessment !== 'applies'}
                      aria-invalid={err('residual_risk') ? true : undefined}
                      value={r.residual_risk}
                      onChange={(e) => setRisk(r.stage, { residual_risk: e.target.value as RiskDraft['residual_risk'] })}
                    >
                      <option value="">—</option>
                      {residualLevels.map((l) => (
                        <option key={l} value={l}>
                          {pick(residualLabels[l].ja, residualLabels[l].en)}
                        </option>
                      ))}
                    </select>
                    {rowErrors.length > 0 && (
                      <p className="field-error" data-testid="field-error">
                        {rowErrors[0]}
                      </p>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}
