//! What a message row does with the mouse beyond a click: a right click
//! opens its menu where the pointer is, and a press that travels becomes
//! a drag the folder pane can take. The row's own button still gets the
//! click; this only watches.
//!
//! Positions are the window's: the menu and the dragged label float over
//! the whole window, while a row's cursor is shifted by the list's scroll.

use iced::advanced::layout;
use iced::advanced::mouse;
use iced::advanced::overlay;
use iced::advanced::renderer;
use iced::advanced::widget::{Operation, Tree, tree};
use iced::advanced::{Clipboard, Layout, Shell, Widget};
use iced::{Element, Event, Length, Point, Rectangle, Size, Vector};

/// How far the pointer travels with the button held before a press is a
/// drag, so a click that wobbles stays a click (GTK's default drag
/// threshold is 8 px; Qt's 10).
const THRESHOLD: f32 = 8.0;

/// A drag's course, in window coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Drag {
    Started(Point),
    Moved(Point),
    /// The button came up (wherever: over a folder, that folder takes it).
    Ended,
}

pub struct Grab<'a, Message> {
    content: Element<'a, Message>,
    on_menu: Option<Box<dyn Fn(Point) -> Message + 'a>>,
    on_drag: Option<Box<dyn Fn(Drag) -> Message + 'a>>,
}

#[derive(Default)]
struct State {
    /// Where the left button went down over this row.
    pressed_at: Option<Point>,
    dragging: bool,
    /// The pointer's last place in the window.
    pointer: Option<Point>,
}

impl<'a, Message> Grab<'a, Message> {
    pub fn new(content: impl Into<Element<'a, Message>>) -> Self {
        Self {
            content: content.into(),
            on_menu: None,
            on_drag: None,
        }
    }

    /// A right click: `f` gets where, for the menu.
    pub fn on_menu(mut self, f: impl Fn(Point) -> Message + 'a) -> Self {
        self.on_menu = Some(Box::new(f));
        self
    }

    pub fn on_drag(mut self, f: impl Fn(Drag) -> Message + 'a) -> Self {
        self.on_drag = Some(Box::new(f));
        self
    }
}

impl<Message: Clone> Widget<Message, iced::Theme, iced::Renderer> for Grab<'_, Message> {
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State::default())
    }

    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.content)]
    }

    fn diff(&self, tree: &mut Tree) {
        tree.diff_children(std::slice::from_ref(&self.content));
    }

    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &iced::Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        self.content
            .as_widget_mut()
            .layout(&mut tree.children[0], renderer, limits)
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &iced::Renderer,
        operation: &mut dyn Operation,
    ) {
        self.content
            .as_widget_mut()
            .operate(&mut tree.children[0], layout, renderer, operation);
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &iced::Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        viewport: &Rectangle,
    ) {
        let state: &mut State = tree.state.downcast_mut();
        // The end of a drag is no click on the row it started from.
        let drag_ends = state.dragging
            && matches!(
                event,
                Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left))
            );
        if !drag_ends {
            self.content.as_widget_mut().update(
                &mut tree.children[0],
                event,
                layout,
                cursor,
                renderer,
                clipboard,
                shell,
                viewport,
            );
        }
        let state: &mut State = tree.state.downcast_mut();
        // Only over the part of the row the list shows.
        let over = cursor.is_over(layout.bounds()) && cursor.is_over(*viewport);
        match event {
            Event::Mouse(mouse::Event::CursorMoved { position }) => {
                state.pointer = Some(*position);
                let Some(on_drag) = &self.on_drag else {
                    return;
                };
                if state.dragging {
                    shell.publish(on_drag(Drag::Moved(*position)));
                } else if let Some(from) = state.pressed_at
                    && from.distance(*position) > THRESHOLD
                {
                    state.dragging = true;
                    shell.publish(on_drag(Drag::Started(*position)));
                }
            }
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) if over => {
                state.pressed_at = state.pointer;
                state.dragging = false;
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) => {
                if state.dragging
                    && let Some(on_drag) = &self.on_drag
                {
                    shell.publish(on_drag(Drag::Ended));
                }
                state.pressed_at = None;
                state.dragging = false;
            }
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Right)) if over => {
                if let Some(on_menu) = &self.on_menu {
                    // Before any move (a row built under a still pointer)
                    // the row's own idea of the pointer is the best there is.
                    let at = state.pointer.or(cursor.position()).unwrap_or(Point::ORIGIN);
                    shell.publish(on_menu(at));
                    shell.capture_event();
                }
            }
            _ => {}
        }
    }

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &iced::Renderer,
    ) -> mouse::Interaction {
        let state: &State = tree.state.downcast_ref();
        if state.dragging {
            return mouse::Interaction::Grabbing;
        }
        self.content.as_widget().mouse_interaction(
            &tree.children[0],
            layout,
            cursor,
            viewport,
            renderer,
        )
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut iced::Renderer,
        theme: &iced::Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        self.content.as_widget().draw(
            &tree.children[0],
            renderer,
            theme,
            style,
            layout,
            cursor,
            viewport,
        );
    }

    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &iced::Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, Message, iced::Theme, iced::Renderer>> {
        self.content.as_widget_mut().overlay(
            &mut tree.children[0],
            layout,
            renderer,
            viewport,
            translation,
        )
    }
}

impl<'a, Message: Clone + 'a> From<Grab<'a, Message>> for Element<'a, Message> {
    fn from(grab: Grab<'a, Message>) -> Self {
        Element::new(grab)
    }
}

#[cfg(test)]
mod tests {
    use iced::mouse::{Button, Event as Mouse};
    use iced::widget::{button, text};
    use iced::{Event, Point};

    use super::{Drag, Grab};

    #[derive(Debug, Clone, PartialEq)]
    enum Msg {
        Clicked,
        Menu(Point),
        Drag(Drag),
    }

    fn row<'a>() -> iced::Element<'a, Msg> {
        Grab::new(
            button(text("a row"))
                .on_press(Msg::Clicked)
                .width(300)
                .height(40),
        )
        .on_menu(Msg::Menu)
        .on_drag(Msg::Drag)
        .into()
    }

    fn moved(x: f32, y: f32) -> Event {
        Event::Mouse(Mouse::CursorMoved {
            position: Point::new(x, y),
        })
    }

    /// Pressed, carried past the threshold and let go: a drag from start
    /// to end, with the pointer's places in the window.
    #[test]
    fn a_press_that_travels_is_a_drag_and_a_still_one_a_click() {
        let mut ui = iced_test::simulator(row());
        ui.point_at(Point::new(20.0, 20.0));
        let _ = ui.simulate([
            moved(20.0, 20.0),
            Event::Mouse(Mouse::ButtonPressed(Button::Left)),
            moved(22.0, 21.0),
            moved(20.0, 60.0),
            moved(25.0, 90.0),
            Event::Mouse(Mouse::ButtonReleased(Button::Left)),
        ]);
        let got: Vec<Msg> = ui.into_messages().collect();
        assert_eq!(
            got,
            [
                Msg::Drag(Drag::Started(Point::new(20.0, 60.0))),
                Msg::Drag(Drag::Moved(Point::new(25.0, 90.0))),
                Msg::Drag(Drag::Ended),
            ],
            "a wobble under the threshold is no drag; the release is no click"
        );

        let mut ui = iced_test::simulator(row());
        ui.point_at(Point::new(20.0, 20.0));
        let _ = ui.simulate([
            moved(20.0, 20.0),
            Event::Mouse(Mouse::ButtonPressed(Button::Left)),
            moved(23.0, 22.0),
            Event::Mouse(Mouse::ButtonReleased(Button::Left)),
        ]);
        let got: Vec<Msg> = ui.into_messages().collect();
        assert_eq!(got, [Msg::Clicked]);
    }

    #[test]
    fn a_right_click_asks_for_the_menu_where_the_pointer_is() {
        let mut ui = iced_test::simulator(row());
        ui.point_at(Point::new(40.0, 10.0));
        let _ = ui.simulate([
            moved(40.0, 10.0),
            Event::Mouse(Mouse::ButtonPressed(Button::Right)),
            Event::Mouse(Mouse::ButtonReleased(Button::Right)),
        ]);
        let got: Vec<Msg> = ui.into_messages().collect();
        assert_eq!(got, [Msg::Menu(Point::new(40.0, 10.0))]);
        // Outside the row: nothing.
        let mut ui = iced_test::simulator(row());
        ui.point_at(Point::new(40.0, 200.0));
        let _ = ui.simulate([
            moved(40.0, 200.0),
            Event::Mouse(Mouse::ButtonPressed(Button::Right)),
        ]);
        assert_eq!(ui.into_messages().count(), 0);
    }
}
