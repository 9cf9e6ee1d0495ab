/** One Chart.js chart on a canvas, with the same numbers as a table for screen readers. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  ArcElement,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartType,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  DoughnutController,
  ArcElement,
  Legend,
  Tooltip,
);

/** Dark enough on white for the 3:1 that graphics need. */
const PALETTE = ['#1f4e99', '#b3261e', '#2e7d32', '#8e44ad', '#a35200', '#00695c', '#5d4037', '#37474f', '#ad1457', '#283593'];

export interface Series {
  readonly labels: readonly string[];
  readonly values: readonly number[];
}

export function ChartView({ title, type, series }: { title: string; type: Extract<ChartType, 'bar' | 'line' | 'doughnut'>; series: Series }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type,
      data: {
        labels: [...series.labels],
        datasets: [
          {
            label: title,
            data: [...series.values],
            backgroundColor: type === 'doughnut' ? PALETTE : PALETTE[0],
            borderColor: type === 'doughnut' ? '#ffffff' : PALETTE[0],
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: type === 'doughnut', position: 'bottom' } },
        ...(type === 'doughnut' ? {} : { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }),
      },
    });
    return () => chart.destroy();
  }, [type, title, series]);
  return (
    <figure class="chart">
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={`${title}: chart; the same numbers follow as a table`} />
      </div>
      <figcaption>{title}</figcaption>
      <details>
        <summary>{title} as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">When / what</th>
              <th scope="col">Count</th>
            </tr>
          </thead>
          <tbody>
            {series.labels.map((label, index) => (
              <tr>
                <td>{label}</td>
                <td>{series.values[index]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
