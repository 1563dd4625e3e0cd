/**
 * Corner annotations over the image (issue #2: patient, study date, W/L, zoom), the
 * conventional four-corner layout of PACS viewers. Toggled with T.
 */
import type { InstanceSummary, PatientSummary, StudySummary } from '../../../shared/ipc/contract';
import type { ViewportReadout } from '../../stores/viewer.store';
import { formatDicomDate, formatPersonName } from '../../lib/format';

interface Props {
  patient?: PatientSummary;
  study?: StudySummary;
  instance?: InstanceSummary;
  imageIndex?: { index: number; count: number };
  frame: number;
  readout: ViewportReadout;
}

const round = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));

export function OverlayText({ patient, study, instance, imageIndex, frame, readout }: Props) {
  const probe = readout.probe;
  const windowText =
    readout.windowWidth !== undefined ? `W ${round(readout.windowWidth)} L ${round(readout.windowCenter)}` : readout.voiName ? readout.voiName : '';
  return (
    <div className="overlay-text" aria-hidden="false">
      <div className="corner top-left" data-testid="overlay-patient">
        <div className="strong">{patient ? formatPersonName(patient.patientName) : ''}</div>
        <div>{patient ? `ID ${patient.patientId}` : ''}</div>
        <div>{[patient?.patientSex, patient?.patientBirthDate ? formatDicomDate(patient.patientBirthDate) : undefined].filter(Boolean).join('  ')}</div>
      </div>
      <div className="corner top-right">
        <div className="strong" data-testid="overlay-study-date">
          {study?.studyDate ? formatDicomDate(study.studyDate) : ''}
        </div>
        <div>{study?.studyDescription ?? ''}</div>
        <div>{study?.modalities.join(', ') ?? ''}</div>
        <div>{imageIndex ? `Image ${imageIndex.index + 1} / ${imageIndex.count}` : ''}</div>
        <div>{instance && instance.numberOfFrames > 1 ? `Frame ${frame + 1} / ${instance.numberOfFrames}` : ''}</div>
        <div className="dim">{instance?.fileName ?? ''}</div>
      </div>
      <div className="corner bottom-left">
        <div data-testid="overlay-wl">{windowText}</div>
        <div className="dim">{readout.voiName && readout.windowWidth !== undefined ? readout.voiName : ''}</div>
        <div data-testid="overlay-zoom">{readout.zoom !== undefined ? `Zoom ${readout.zoom.toFixed(2)}×` : ''}</div>
        <div data-testid="overlay-transform">
          {[readout.rotation ? `Rot ${readout.rotation}°` : '', readout.hflip ? 'Flip H' : '', readout.vflip ? 'Flip V' : '', readout.inverted ? 'Inverted' : '']
            .filter(Boolean)
            .join('  ')}
        </div>
      </div>
      <div className="corner bottom-right">
        {probe ? (
          <div data-testid="overlay-probe">
            {`(${probe.x}, ${probe.y})  SV ${Array.isArray(probe.stored) ? probe.stored.join('/') : probe.stored}`}
            {probe.modality !== undefined ? `  MV ${Number.isInteger(probe.modality) ? probe.modality : probe.modality.toFixed(2)}${probe.unit ? ` ${probe.unit}` : ''}` : ''}
          </div>
        ) : null}
        <div className={readout.spacingSource ? 'dim' : 'warn'} data-testid="overlay-calibration">
          {readout.status === 'ready' ? (readout.spacingSource ? `Spacing: ${readout.spacingSource}` : 'Uncalibrated (px)') : ''}
        </div>
      </div>
    </div>
  );
}
