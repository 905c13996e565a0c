//! The scaling plot: time per write against graph size, one panel per shape, one line per
//! library, both axes logarithmic.

use std::path::Path;

use benches::adapter::LIBRARY_NAMES;
use benches::scaling::Shape;
use plotters::prelude::*;

use crate::scaling::ScalingPoint;

/// One colour per library, in `LIBRARY_NAMES` order.
const COLOURS: [RGBColor; 5] = [
    RGBColor(214, 39, 40),
    RGBColor(255, 127, 14),
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
];

/// Draws `points` into an SVG file at `path`.
pub fn write(path: &Path, points: &[ScalingPoint]) -> Result<(), Box<dyn std::error::Error>> {
    let measured: Vec<(&ScalingPoint, f64)> = points
        .iter()
        .filter_map(|point| Some((point, *point.ns_per_write.as_ref().ok()?)))
        .collect();
    if measured.is_empty() {
        return Err("no scaling measurement to plot".into());
    }
    let bounds = |values: &mut dyn Iterator<Item = f64>| {
        values.fold((f64::INFINITY, 0.0f64), |(low, high), value| {
            (low.min(value), high.max(value))
        })
    };
    let (x_low, x_high) = bounds(&mut measured.iter().map(|(point, _)| point.nodes as f64));
    let (y_low, y_high) = bounds(&mut measured.iter().map(|&(_, ns)| ns));

    let root = SVGBackend::new(path, (1200, 440)).into_drawing_area();
    root.fill(&WHITE)?;
    let (title, body) = root.split_vertically(40);
    title.titled(
        "Time per write against graph size (the write affects a fixed set of nodes)",
        ("sans-serif", 20),
    )?;
    let panels = body.split_evenly((1, Shape::ALL.len()));
    for (index, (panel, shape)) in panels.iter().zip(Shape::ALL).enumerate() {
        let mut chart = ChartBuilder::on(panel)
            .caption(shape.name(), ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d(
                (x_low * 0.8..x_high * 1.25).log_scale(),
                (y_low * 0.5..y_high * 2.0).log_scale(),
            )?;
        chart
            .configure_mesh()
            .x_desc("nodes in the graph")
            .y_desc("time per write")
            .x_label_formatter(&|nodes| format!("{nodes:.0e}"))
            .y_label_formatter(&|ns| crate::markdown::format_ns(*ns))
            .draw()?;
        for (library, colour) in LIBRARY_NAMES.iter().zip(COLOURS) {
            let line: Vec<(f64, f64)> = measured
                .iter()
                .filter(|(point, _)| point.shape == shape && point.library == *library)
                .map(|&(point, ns)| (point.nodes as f64, ns))
                .collect();
            if line.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(line.clone(), colour.stroke_width(2)))?
                .label(*library)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
                });
            chart.draw_series(
                line.into_iter()
                    .map(|point| Circle::new(point, 3, colour.filled())),
            )?;
        }
        // One legend, where the chain panel has room (its lines are low and flat).
        if index > 0 {
            continue;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 12))
            .draw()?;
    }
    root.present()?;
    Ok(())
}
